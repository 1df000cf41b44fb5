//! Opening a file that is not a desist database fails with a clear error and writes nothing.

use domain::ports::StoreError;
use store::Store;

#[tokio::test]
async fn a_file_that_is_not_sqlite_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, b"these are my notes, not a database at all, but long enough to have a header....").unwrap();
    let before = std::fs::read(&path).unwrap();
    let error = Store::connect(&format!("sqlite:{}", path.display()), 2).await.unwrap_err();
    assert!(matches!(error, StoreError::NotDesistDatabase(_)), "{error:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[tokio::test]
async fn another_applications_sqlite_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("other.db").display());
    let pool = sqlx::SqlitePool::connect(&format!("{url}?mode=rwc")).await.unwrap();
    sqlx::query("CREATE TABLE invoices (id INTEGER PRIMARY KEY)").execute(&pool).await.unwrap();
    pool.close().await;
    let error = Store::connect(&url, 2).await.unwrap_err();
    match error {
        StoreError::NotDesistDatabase(message) => assert!(message.contains("not a desist database"), "{message}"),
        other => panic!("expected NotDesistDatabase, got {other:?}"),
    }
}

#[tokio::test]
async fn a_desist_database_opens_again() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("desist.db").display());
    Store::connect(&url, 2).await.unwrap().close().await;
    Store::connect(&url, 2).await.expect("reopening our own database works");
}

#[tokio::test]
async fn unsupported_url_schemes_are_named() {
    let error = Store::connect("mysql://localhost/x", 2).await.unwrap_err();
    assert!(error.to_string().contains("unsupported database URL"), "{error}");
}
