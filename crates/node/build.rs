//! Builds the dashboard (`web/`, Vite + TypeScript) into `$OUT_DIR/web-dist`, which
//! `src/dashboard.rs` embeds in the binary: a fresh clone's `cargo build` or `cargo test` needs
//! npm (Node.js 20+) and nothing else, and the node serves its dashboard with no file beside it.
//!
//! `npm ci` runs only when `web/node_modules` is missing or older than `web/package-lock.json`;
//! the Vite build runs whenever a source under `web/` changed (Cargo reruns this script then).
//! `RAMPART_WEB_DIST=<dir>` embeds an already built folder instead (no npm needed).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// What the dashboard's build reads: a change to any reruns this script.
const INPUTS: [&str; 6] =
    ["src", "index.html", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json"];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let web = manifest.join("../../web");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("web-dist");
    println!("cargo:rerun-if-env-changed=RAMPART_WEB_DIST");
    for input in INPUTS {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    if let Ok(prebuilt) = std::env::var("RAMPART_WEB_DIST") {
        copy_dir(Path::new(&prebuilt), &out);
        return;
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if Command::new(npm).arg("--version").output().is_err() {
        fail(&format!(
            "npm was not found. The node embeds its web dashboard, built from {} with npm \
             (Node.js 20 or later): install Node.js (Debian: apt-get install nodejs npm), or set \
             RAMPART_WEB_DIST to a folder built with `npm ci && npm run build` elsewhere.",
            web.display()
        ));
    }
    if needs_install(&web) {
        run(Command::new(npm).args(["ci", "--no-audit", "--no-fund"]).current_dir(&web), "npm ci");
    }
    let out_text = out.to_str().expect("OUT_DIR is UTF-8");
    run(
        Command::new(npm)
            .args(["run", "build", "--", "--outDir", out_text, "--emptyOutDir"])
            .current_dir(&web),
        "npm run build",
    );
}

/// `node_modules` is missing, or older than the lockfile (a dependency changed since).
fn needs_install(web: &Path) -> bool {
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    match (
        modified(web.join("node_modules/.package-lock.json")),
        modified(web.join("package-lock.json")),
    ) {
        (Some(installed), Some(locked)) => installed < locked,
        _ => true,
    }
}

fn run(command: &mut Command, what: &str) {
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!("`{what}` in web/ failed ({status}); see its output above")),
        Err(error) => fail(&format!("`{what}` in web/ could not start: {error}")),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).expect("creating OUT_DIR/web-dist");
    let entries = std::fs::read_dir(from)
        .unwrap_or_else(|e| fail(&format!("RAMPART_WEB_DIST={}: {e}", from.display())));
    for entry in entries {
        let path = entry.expect("a readable directory").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copying a dashboard asset");
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    panic!("{message}");
}
