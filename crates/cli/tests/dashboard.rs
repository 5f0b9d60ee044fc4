//! The dashboard in a real browser: runs `web/e2e/dashboard.mjs` (playwright-core driving
//! Debian's Chromium headless) against nodes it starts with this build's `rampart`.
//!
//! It needs Chromium (`apt-get install chromium`) and the web packages (`npm ci` in `web/`,
//! which the node's build script runs). Without them the test is skipped with a note, except
//! under CI (`CI` set), where `.ci/run` installs them and a missing browser is a failure.

use std::{path::PathBuf, process::Command};

const CHROMIUM: &str = "/usr/bin/chromium";

#[test]
fn the_dashboard_works_in_a_real_browser() {
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web");
    let missing: Vec<&str> = [
        (!std::path::Path::new(CHROMIUM).exists()).then_some("chromium (apt-get install chromium)"),
        (!web.join("node_modules/playwright-core").exists())
            .then_some("web/node_modules (npm ci in web/)"),
        Command::new("node").arg("--version").output().is_err().then_some("node"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the browser test needs {}; .ci/run installs them",
            missing.join(", ")
        );
        eprintln!("skipped: the browser test needs {}", missing.join(", "));
        return;
    }
    let output = Command::new("node")
        .arg("e2e/dashboard.mjs")
        .current_dir(&web)
        .env("RAMPART_BIN", env!("CARGO_BIN_EXE_rampart"))
        .env("CHROMIUM", CHROMIUM)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(output.status.success(), "the browser test failed:\n{stdout}\n{stderr}");
}
