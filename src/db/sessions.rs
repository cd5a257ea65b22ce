//! The session store: tower-sessions' PostgreSQL store, except that saving a session only updates
//! it. The stock store saves with an upsert, so a request that read a session before its logout
//! and saved it afterwards (to push back its idle limit, say) would bring the ended session back.

use chrono::DateTime;
use sqlx::PgPool;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions_sqlx_store::PostgresStore;

/// The store's table (tower-sessions-sqlx-store's default schema and name).
pub const TABLE: &str = "tower_sessions.session";

#[derive(Clone, Debug)]
pub struct Sessions {
    store: PostgresStore,
    pool: PgPool,
}

impl Sessions {
    pub fn new(pool: PgPool) -> Sessions {
        Sessions {
            store: PostgresStore::new(pool.clone()),
            pool,
        }
    }
}

#[async_trait::async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.store.create(record).await
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = rmp_serde::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
        let expiry = record.expiry_date;
        let expiry = DateTime::from_timestamp(expiry.unix_timestamp(), expiry.nanosecond())
            .ok_or_else(|| Error::Encode(format!("expiry out of range: {expiry}")))?;
        sqlx::query(&format!("UPDATE {TABLE} SET data = $2, expiry_date = $3 WHERE id = $1"))
            .bind(record.id.to_string())
            .bind(data)
            .bind(expiry)
            .execute(&self.pool)
            .await
            .map_err(|e| Error::Backend(e.to_string()))?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        self.store.load(id).await
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.store.delete(id).await
    }
}
