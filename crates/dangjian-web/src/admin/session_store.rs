//! A tower-sessions store on our own sqlx 0.9 tables (the published sqlx store does not
//! build with sqlx 0.9). Sessions live in the database, so every node sees them.

use async_trait::async_trait;
use dangjian_domain::clock;
use dangjian_store::{Db, sessions};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

fn expiry_micros(r: &Record) -> i64 {
    clock::to_micros(r.expiry_date)
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        // On the (astronomically unlikely) collision, draw a new id.
        while !sessions::create(&self.db, &record.id.to_string(), &data, expiry_micros(record))
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        sessions::save(&self.db, &record.id.to_string(), &data, expiry_micros(record)).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(data) = sessions::load(&self.db, &id.to_string(), clock::now_micros()).await.map_err(backend)? else {
            return Ok(None);
        };
        let data = serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?;
        // The expiry is recomputed by the session layer from its idle timeout.
        Ok(Some(Record { id: *id, data, expiry_date: time::OffsetDateTime::now_utc() + time::Duration::minutes(30) }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sessions::delete(&self.db, &id.to_string()).await.map_err(backend)
    }
}
