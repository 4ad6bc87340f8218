//! `sqlx::migrate!` embeds `../migrations` when the server compiles; this tells cargo
//! to compile again when a migration is added or changed.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
