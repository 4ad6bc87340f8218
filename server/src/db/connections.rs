//! The connections statements run on. SQLite gets a writing connection and a few
//! reading ones, kept by Berth itself; a network database gets sqlx's pool.
//!
//! sqlx's pool does not suit SQLite here, for two measured reasons:
//! - SQLite takes one writer at a time and makes the others poll for its lock,
//!   sleeping a millisecond or more between tries. Writes queue instead (in order,
//!   without sleeping) for the one connection that writes; reads run beside it (WAL).
//! - The pool pings every connection handed back to it, one more round trip to the
//!   connection's worker thread, which cost as much as the statement itself. A SQLite
//!   connection is a file handle in this process: it cannot go stale.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Connection, Executor};
use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

/// Reading SQLite connections: enough that a slow listing never holds up the rest.
const SQLITE_READERS: usize = 6;
/// Connections in a network database's pool.
const POOL_SIZE: u32 = 8;
/// How long a statement waits for a connection before it fails.
const WAIT: Duration = Duration::from_secs(10);
const HEALTH_CHECK_EVERY: Duration = Duration::from_secs(10);

pub(super) enum Connections {
    Sqlite { options: AnyConnectOptions, readers: Vec<Mutex<AnyConnection>>, next_reader: AtomicUsize, writer: Mutex<AnyConnection> },
    Pooled(AnyPool),
}

/// A connection taken for one statement or transaction; given back when dropped.
pub enum Conn<'a> {
    Held(MutexGuard<'a, AnyConnection>),
    Pooled(PoolConnection<Any>),
}

impl Deref for Conn<'_> {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match self {
            Conn::Held(guard) => guard,
            Conn::Pooled(conn) => conn,
        }
    }
}

impl DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Conn::Held(guard) => &mut *guard,
            Conn::Pooled(conn) => &mut *conn,
        }
    }
}

impl Connections {
    pub(super) async fn open(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let options = AnyConnectOptions::from_str(url)?;
        if !url.starts_with("sqlite:") {
            let pool = AnyPoolOptions::new().max_connections(POOL_SIZE).acquire_timeout(WAIT).connect_with(options).await?;
            return Ok(Connections::Pooled(pool));
        }
        let writer = Mutex::new(open_sqlite(&options).await?);
        let mut readers = Vec::with_capacity(SQLITE_READERS);
        for _ in 0..SQLITE_READERS {
            readers.push(Mutex::new(open_sqlite(&options).await?));
        }
        Ok(Connections::Sqlite { options, readers, next_reader: AtomicUsize::new(0), writer })
    }

    /// Replaces SQLite connections whose worker thread has died, which happens only
    /// after a panic there or a failed rollback of a cancelled transaction (sqlx then
    /// stops the worker rather than leave the transaction open). A pool does this
    /// itself; kept connections are checked every few seconds, while idle.
    pub(super) fn keep_healthy(connections: &Arc<Connections>) {
        let Connections::Sqlite { .. } = **connections else { return };
        let connections = Arc::downgrade(connections);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(HEALTH_CHECK_EVERY);
            loop {
                tick.tick().await;
                let Some(connections) = connections.upgrade() else { return };
                let Connections::Sqlite { options, readers, writer, .. } = &*connections else { return };
                for slot in readers.iter().chain([writer]) {
                    let Ok(mut conn) = slot.try_lock() else { continue };
                    if conn.ping().await.is_ok() {
                        continue;
                    }
                    match open_sqlite(options).await {
                        Ok(fresh) => {
                            tracing::warn!("database: replaced a SQLite connection whose worker had stopped");
                            *conn = fresh;
                        }
                        Err(err) => tracing::error!(error = %err, "database: cannot reopen a SQLite connection"),
                    }
                }
            }
        });
    }

    /// A connection for statements that only read: a free one if there is one.
    pub(super) async fn read(&self) -> Result<Conn<'_>, sqlx::Error> {
        match self {
            Connections::Sqlite { readers, next_reader, .. } => {
                let first = next_reader.fetch_add(1, Ordering::Relaxed);
                let mut turn = (0..readers.len()).map(|i| &readers[(first + i) % readers.len()]);
                if let Some(free) = turn.find_map(|reader| reader.try_lock().ok()) {
                    return Ok(Conn::Held(free));
                }
                wait(readers[first % readers.len()].lock()).await
            }
            Connections::Pooled(pool) => pool.acquire().await.map(Conn::Pooled),
        }
    }

    /// A connection for statements and transactions that write.
    pub(super) async fn write(&self) -> Result<Conn<'_>, sqlx::Error> {
        match self {
            Connections::Sqlite { writer, .. } => wait(writer.lock()).await,
            Connections::Pooled(pool) => pool.acquire().await.map(Conn::Pooled),
        }
    }

    /// Waits for statements under way, then folds SQLite's write-ahead log back into
    /// the database file, so a stopped Berth leaves one self-contained file.
    pub(super) async fn close(&self) {
        match self {
            Connections::Sqlite { writer, .. } => {
                if let Ok(mut writer) = wait(writer.lock()).await
                    && let Err(err) = writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").await
                {
                    tracing::warn!(error = %err, "database: final checkpoint");
                }
            }
            Connections::Pooled(pool) => pool.close().await,
        }
    }
}

async fn wait<'a>(lock: impl Future<Output = MutexGuard<'a, AnyConnection>>) -> Result<Conn<'a>, sqlx::Error> {
    tokio::time::timeout(WAIT, lock).await.map(Conn::Held).map_err(|_| sqlx::Error::PoolTimedOut)
}

async fn open_sqlite(options: &AnyConnectOptions) -> Result<AnyConnection, sqlx::Error> {
    let mut conn = options.connect().await?;
    // WAL lets readers run beside the writer. Should another process hold the lock
    // (an operator's sqlite3 shell), a writer waits up to 5 s for it.
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.execute("PRAGMA synchronous = NORMAL").await?;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    conn.execute("PRAGMA busy_timeout = 5000").await?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Row;

    async fn open_temp() -> (tempfile::TempDir, Arc<Connections>) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        let connections = Arc::new(Connections::open(&url).await.unwrap());
        let mut conn = connections.write().await.unwrap();
        conn.execute("CREATE TABLE counter (n BIGINT NOT NULL)").await.unwrap();
        conn.execute("INSERT INTO counter (n) VALUES (0)").await.unwrap();
        drop(conn);
        (dir, connections)
    }

    async fn count(connections: &Connections) -> i64 {
        let mut conn = connections.read().await.unwrap();
        sqlx::query("SELECT n FROM counter").fetch_one(&mut *conn).await.unwrap().get("n")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_concurrent_writers_all_land_while_readers_run_beside_them() {
        let (_dir, connections) = open_temp().await;
        let mut tasks = Vec::new();
        for i in 0..64 {
            let connections = connections.clone();
            tasks.push(tokio::spawn(async move {
                if i % 2 == 0 {
                    let mut conn = connections.write().await.unwrap();
                    sqlx::query("UPDATE counter SET n = n + 1").execute(&mut *conn).await.unwrap();
                } else {
                    let mut conn = connections.read().await.unwrap();
                    sqlx::query("SELECT n FROM counter").fetch_one(&mut *conn).await.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(count(&connections).await, 32);
    }

    #[tokio::test]
    async fn a_transaction_abandoned_midway_is_rolled_back_and_the_writer_goes_on() {
        let (_dir, connections) = open_temp().await;
        {
            let mut conn = connections.write().await.unwrap();
            let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
            sqlx::query("UPDATE counter SET n = 100").execute(&mut *tx).await.unwrap();
            // Dropped without commit, as when a client goes away mid-request.
        }
        let mut conn = connections.write().await.unwrap();
        sqlx::query("UPDATE counter SET n = n + 1").execute(&mut *conn).await.unwrap();
        drop(conn);
        assert_eq!(count(&connections).await, 1, "the abandoned change is gone; the next write committed");
    }

    #[tokio::test]
    async fn a_reader_sees_what_the_writer_committed() {
        let (_dir, connections) = open_temp().await;
        let mut reader = connections.read().await.unwrap();
        let before: i64 = sqlx::query("SELECT n FROM counter").fetch_one(&mut *reader).await.unwrap().get("n");
        drop(reader);
        let mut writer = connections.write().await.unwrap();
        sqlx::query("UPDATE counter SET n = 7").execute(&mut *writer).await.unwrap();
        drop(writer);
        assert_eq!((before, count(&connections).await), (0, 7));
    }
}
