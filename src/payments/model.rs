//! How money comes and goes: the methods a payment is made by and what it is for. Plain types,
//! no I/O.

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Cash,
    Card,
    Transfer,
    Other,
    /// From the member's prepaid balance: no money crosses the desk.
    Wallet,
    /// From a pass the member bought earlier: no money crosses the desk.
    Pass,
}

impl Method {
    pub const ALL: [Method; 6] =
        [Method::Cash, Method::Card, Method::Transfer, Method::Other, Method::Wallet, Method::Pass];
    /// What a desk can take money by.
    pub const TAKEN: [Method; 4] = [Method::Cash, Method::Card, Method::Transfer, Method::Other];

    /// Whether money crosses the desk (not so from the wallet or a pass: it came in earlier).
    pub fn is_money(self) -> bool {
        Method::TAKEN.contains(&self)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Cash => "cash",
            Method::Card => "card",
            Method::Transfer => "transfer",
            Method::Other => "other",
            Method::Wallet => "wallet",
            Method::Pass => "pass",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The message naming a payment of `amount` by this method: money going onto the account
    /// (a refund to it) reads "To the account", not "From the account".
    pub fn label_id(self, amount: i64) -> &'static str {
        match self {
            Method::Cash => "method-cash",
            Method::Card => "method-card",
            Method::Transfer => "method-transfer",
            Method::Other => "method-other",
            Method::Wallet if amount < 0 => "method-wallet-back",
            Method::Wallet => "method-wallet",
            Method::Pass => "method-pass",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Booking,
    TopUp,
    /// A pass or membership sold.
    Pass,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [Purpose::Booking, Purpose::TopUp, Purpose::Pass];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Booking => "booking",
            Purpose::TopUp => "top_up",
            Purpose::Pass => "pass",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == s)
    }
}
