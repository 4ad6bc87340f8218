//! Embeds every file in `../migrations` into the binary, so `berth` migrates its
//! database with no files beside it. Names follow sqlx: `<version>_<description>.sql`.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .expect("migrations directory")
        .map(|e| e.expect("migration entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    entries.sort();

    let mut code = String::from("&[\n");
    for path in entries {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = path.file_stem().unwrap().to_str().expect("UTF-8 migration name");
        let (version, description) = stem.split_once('_').expect("migration named <version>_<description>.sql");
        let version: i64 = version.parse().expect("migration version is a number");
        code.push_str(&format!(
            "    ({version}, {:?}, include_str!({:?})),\n",
            description.replace('_', " "),
            path.canonicalize().unwrap().display().to_string()
        ));
    }
    code.push(']');
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("migrations.rs");
    fs::write(out, code).unwrap();
}
