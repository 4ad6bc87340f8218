//! `Tx`: several writes that commit together or not at all. A service takes one with
//! `Db::begin`, runs its writes and its audit row through the `Tx` methods (each
//! table's file has them beside its `Db` ones), and calls `commit`. A `Tx` dropped
//! without committing (an error, a refused check, a cancelled request) is rolled
//! back before its connection runs anything else, as sqlx's own transactions are.
//!
//! It holds the writing connection (SQLite) or a pooled one (PostgreSQL) for its
//! whole life, so a service validates everything before it begins.

use super::connections::Conn;
use super::{Db, internal};
use app::domain::Error;
use sqlx::{Any, AnyConnection, Database, TransactionManager};

type Manager = <Any as Database>::TransactionManager;

pub struct Tx<'a> {
    conn: Conn<'a>,
    open: bool,
}

impl Db {
    pub async fn begin(&self) -> Result<Tx<'_>, Error> {
        let mut conn = self.write().await?;
        Manager::begin(&mut conn, None).await.map_err(internal("begin transaction"))?;
        Ok(Tx { conn, open: true })
    }
}

impl Tx<'_> {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }

    pub async fn commit(mut self) -> Result<(), Error> {
        Manager::commit(&mut self.conn).await.map_err(internal("commit transaction"))?;
        self.open = false;
        Ok(())
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            Manager::start_rollback(&mut self.conn);
        }
    }
}
