//! Rules about staff accounts: what a valid username and password are, and who may manage whom.

use crate::core::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// 3–32 characters: letters (Latin or Cyrillic), digits, dot, dash, underscore.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let s = raw.trim();
        let len = s.chars().count();
        if len < 3 {
            return Err("username-too-short");
        }
        if len > 32 {
            return Err("username-too-long");
        }
        if !s.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_')) {
            return Err("username-bad-chars");
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn parse_display_name(raw: &str) -> Result<String, &'static str> {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.chars().count() {
        0 => Err("name-required"),
        81.. => Err("name-too-long"),
        _ => Ok(s),
    }
}

pub const MIN_PASSWORD: usize = 10;
const MAX_PASSWORD: usize = 256;

/// A password good enough to hash: long enough, not absurdly long, not the username.
pub fn check_password(password: &str, username: &str) -> Result<(), &'static str> {
    let len = password.chars().count();
    if len < MIN_PASSWORD {
        return Err("password-too-short");
    }
    if len > MAX_PASSWORD {
        return Err("password-too-long");
    }
    if password.trim().to_lowercase() == username.trim().to_lowercase() {
        return Err("password-is-username");
    }
    Ok(())
}

/// A new account's name and password, checked together so the form shows every mistake at once.
pub struct NewAccount {
    pub username: Username,
    /// The display name, or the username when none was typed.
    pub display_name: String,
}

impl NewAccount {
    /// Every mistake as (field, message code).
    pub fn parse(
        username: &str,
        display_name: &str,
        password: &str,
        confirm: &str,
    ) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut mistakes = Vec::new();
        let name = Username::parse(username).map_err(|code| mistakes.push(("username", code))).ok();
        let display = if display_name.trim().is_empty() { username } else { display_name };
        let display = parse_display_name(display).map_err(|code| mistakes.push(("display_name", code))).ok();
        if let Err(code) = check_password(password, username) {
            mistakes.push(("password", code));
        } else if password != confirm {
            mistakes.push(("confirm", "password-mismatch"));
        }
        match (name, display) {
            (Some(username), Some(display_name)) if mistakes.is_empty() => Ok(Self { username, display_name }),
            _ => Err(mistakes),
        }
    }
}

/// Whether someone with `actor` role may create, change or disable an account with `target` role:
/// the owner manages everyone; others only roles strictly below their own, and only from manager up.
pub fn can_manage(actor: Role, target: Role) -> bool {
    actor == Role::Owner || (actor >= Role::Manager && target < actor)
}

/// The roles `actor` may hand out (the same ladder as `can_manage`).
pub fn assignable_roles(actor: Role) -> Vec<Role> {
    Role::ALL.into_iter().filter(|r| can_manage(actor, *r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["anna", "a.smirnova", "Ольга_2", "desk-1"] {
            assert!(Username::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(Username::parse(" ab "), Err("username-too-short"));
        assert_eq!(Username::parse("anna smith"), Err("username-bad-chars"));
        assert_eq!(Username::parse(&"x".repeat(33)), Err("username-too-long"));
        assert_eq!(Username::parse("  anna ").unwrap().as_str(), "anna");
    }

    #[test]
    fn a_new_account_names_every_mistake_at_once() {
        let account = NewAccount::parse("anna", "  ", "long enough pass", "long enough pass").unwrap();
        assert_eq!((account.username.as_str(), account.display_name.as_str()), ("anna", "anna"));
        assert_eq!(
            NewAccount::parse("a b", "Anna", "short", "short").err(),
            Some(vec![("username", "username-bad-chars"), ("password", "password-too-short")])
        );
        assert_eq!(
            NewAccount::parse("anna", "Anna  Petrova", "long enough pass", "other").err(),
            Some(vec![("confirm", "password-mismatch")])
        );
    }

    #[test]
    fn passwords() {
        assert_eq!(check_password("short", "anna"), Err("password-too-short"));
        assert_eq!(check_password("Reception1", "reception1"), Err("password-is-username"));
        assert!(check_password("correct horse battery", "anna").is_ok());
    }

    #[test]
    fn management_ladder() {
        use Role::*;
        let table = [
            (Owner, Owner, true),
            (Owner, Manager, true),
            (Manager, Owner, false),
            (Manager, Manager, false),
            (Manager, Reception, true),
            (Manager, Coach, true),
            (Reception, Coach, false),
            (Coach, Coach, false),
        ];
        for (actor, target, expected) in table {
            assert_eq!(can_manage(actor, target), expected, "{actor:?} managing {target:?}");
        }
        assert_eq!(assignable_roles(Manager), vec![Reception, Coach]);
        assert_eq!(assignable_roles(Owner).len(), 4);
    }

    #[test]
    fn display_names_are_tidied() {
        assert_eq!(parse_display_name("  Anna   Petrova "), Ok("Anna Petrova".into()));
        assert_eq!(parse_display_name("   "), Err("name-required"));
    }
}
