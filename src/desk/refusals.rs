//! The hub's count of refused desk work nobody has dealt with yet, for the banner on every page:
//! counted again only when the data moved (a refusal moves the feed's local count, a resolution
//! its head), so pages do not pay a query each.

use std::sync::Mutex;

use super::store::resolutions;
use crate::db::Db;
use crate::sync::feed::Position;

#[derive(Default)]
pub struct RefusalCount {
    last: Mutex<Option<(Position, usize)>>,
}

impl RefusalCount {
    pub async fn get(&self, db: &Db, now: Position) -> usize {
        if let Some((at, n)) = &*self.last.lock().expect("refusal count")
            && *at == now
        {
            return *n;
        }
        match db.read(|c| Ok(resolutions::open_refusal_count(c)?)).await {
            Ok(n) => {
                let n = n as usize;
                *self.last.lock().expect("refusal count") = Some((now, n));
                n
            }
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "cannot count refused desk work");
                0
            }
        }
    }
}
