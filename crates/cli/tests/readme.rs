//! The README, executed: every scenario example runs, every printed output matches what the
//! command prints, and every shell command runs as written (against nodes the test starts,
//! on free ports), so a README that drifts from the code fails here.
//!
//! A shell block runs line by line; `rampart` and `cargo run --release -p rampart-cli --` stand
//! for the binary under test. The comment line just above a block may say how to treat it:
//! `<!-- readme-test: start node -->` starts the node its one command describes and keeps it
//! running; `<!-- readme-test: run against node -->` runs after it (loopback ports and
//! `RAMPART_NODE` are mapped to the test's nodes); `<!-- readme-test: output of FILE -->` is what
//! `rampart run FILE` prints (lines compared in order, `...` skipping); and
//! `<!-- readme-test: skip: REASON -->` says why a block cannot run here.

use std::{
    collections::BTreeMap,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const BIN: &str = env!("CARGO_BIN_EXE_rampart");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fenced block of the README: its language, its lines, the marker above it, its line.
#[derive(Debug)]
struct Block {
    lang: String,
    body: String,
    marker: Option<String>,
    line: usize,
}

fn blocks() -> Vec<Block> {
    let text = std::fs::read_to_string(repo().join("README.md")).expect("the README");
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    let mut last_text: Option<&str> = None;
    for (index, line) in text.lines().enumerate() {
        if let Some(block) = &mut open {
            if line.starts_with("```") {
                blocks.push(open.take().expect("open"));
            } else {
                block.body.push_str(line);
                block.body.push('\n');
            }
            continue;
        }
        if let Some(lang) = line.strip_prefix("```") {
            let marker = last_text
                .and_then(|l| l.strip_prefix("<!-- readme-test:"))
                .and_then(|l| l.strip_suffix("-->"))
                .map(|m| m.trim().to_owned());
            open = Some(Block {
                lang: lang.trim().to_owned(),
                body: String::new(),
                marker,
                line: index + 1,
            });
        } else if !line.trim().is_empty() {
            last_text = Some(line.trim());
        }
    }
    assert!(open.is_none(), "an unclosed code block");
    blocks
}

/// A free loopback port (bound, then released for the node to take).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Nodes started for the README's walkthrough, killed when the test ends.
struct Nodes {
    children: Vec<Child>,
    /// The README's port → the test's.
    ports: BTreeMap<u16, u16>,
}

impl Drop for Nodes {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The command with `rampart` (or `cargo run ... --`) replaced by the binary, comments cut.
fn command_line(line: &str) -> Option<String> {
    let line = line.split(" # ").next().unwrap_or(line).trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let line = line
        .strip_prefix("cargo run --release -p rampart-cli --")
        .map(|rest| format!("rampart{rest}"))
        .unwrap_or_else(|| line.to_owned());
    Some(match line.strip_prefix("rampart ") {
        Some(rest) => format!("{BIN} {rest}"),
        None => line,
    })
}

fn map_ports(line: &str, ports: &BTreeMap<u16, u16>) -> String {
    let mut line = line.to_owned();
    for (readme, test) in ports {
        for host in ["127.0.0.1", "localhost"] {
            line = line.replace(&format!("{host}:{readme}"), &format!("127.0.0.1:{test}"));
        }
    }
    line
}

fn run_shell(line: &str, dir: &Path, nodes: &Nodes, at: usize) {
    let default_node = nodes.ports.get(&8545).map(|p| format!("http://127.0.0.1:{p}"));
    let mut command = Command::new("sh");
    command.arg("-c").arg(line).current_dir(dir);
    if let Some(url) = default_node {
        command.env("RAMPART_NODE", url);
    }
    let out = command.output().expect("sh runs");
    assert!(
        out.status.success(),
        "README.md:{at}: `{line}` failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn start_node(line: &str, dir: &Path, nodes: &mut Nodes, at: usize) {
    let mut words: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
    let readme_port = match words.iter().position(|w| w == "--listen") {
        Some(i) => words[i + 1].rsplit(':').next().unwrap().parse().unwrap(),
        None => 8545,
    };
    let port = free_port();
    match words.iter().position(|w| w == "--listen") {
        Some(i) => words[i + 1] = format!("127.0.0.1:{port}"),
        None => words.extend(["--listen".into(), format!("127.0.0.1:{port}")]),
    }
    nodes.ports.insert(readme_port, port);
    let child = Command::new(&words[0])
        .args(&words[1..])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("README.md:{at}: `{line}` does not start: {e}"));
    nodes.children.push(child);
    let health = format!("http://127.0.0.1:{port}/health");
    let started = Instant::now();
    while ureq::get(&health).call().is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "README.md:{at}: the node never answered"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A working directory like a fresh clone's root: the shipped scenarios, nothing else.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(repo().join("scenarios"), dir.path().join("scenarios")).unwrap();
    dir
}

#[test]
fn every_shell_command_in_the_readme_runs_as_written() {
    let dir = workdir();
    let mut nodes = Nodes { children: Vec::new(), ports: BTreeMap::new() };
    let mut ran = 0;
    for block in blocks().into_iter().filter(|b| b.lang == "sh") {
        let marker = block.marker.as_deref().unwrap_or("");
        if let Some(reason) = marker.strip_prefix("skip:") {
            assert!(!reason.trim().is_empty(), "README.md:{}: say why it is skipped", block.line);
            continue;
        }
        for (offset, line) in block.body.lines().enumerate() {
            let at = block.line + 1 + offset;
            let Some(line) = command_line(line) else { continue };
            match marker {
                "start node" => start_node(&line, dir.path(), &mut nodes, at),
                "" | "run against node" => {
                    run_shell(&map_ports(&line, &nodes.ports), dir.path(), &nodes, at)
                }
                other => panic!("README.md:{at}: unknown readme-test marker {other:?}"),
            }
            ran += 1;
        }
    }
    assert!(ran >= 10, "only {ran} README commands ran");
}

#[test]
fn every_scenario_example_in_the_readme_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for block in blocks().into_iter().filter(|b| b.lang == "toml" && b.body.contains("[[step]]")) {
        let file = dir.path().join(format!("readme-{}.toml", block.line));
        std::fs::write(&file, &block.body).unwrap();
        let out = Command::new(BIN).arg("run").arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "README.md:{}: the example fails:\n{}",
            block.line,
            String::from_utf8_lossy(&out.stdout)
        );
        ran += 1;
    }
    assert!(ran >= 1, "the README shows no scenario");
}

#[test]
fn printed_output_in_the_readme_is_what_the_command_prints() {
    let mut checked = 0;
    for block in blocks() {
        let Some(file) = block.marker.as_deref().and_then(|m| m.strip_prefix("output of ")) else {
            continue;
        };
        let out = Command::new(BIN).arg("run").arg(repo().join(file.trim())).output().unwrap();
        let printed = String::from_utf8_lossy(&out.stdout);
        let mut lines = printed.lines().map(str::trim);
        for expected in block.body.lines().map(str::trim).filter(|l| !l.is_empty() && *l != "...") {
            assert!(
                lines.any(|line| line == expected),
                "README.md:{}: `{expected}` is not in what `rampart run {file}` prints (in this order):\n{printed}",
                block.line
            );
        }
        checked += 1;
    }
    assert!(checked >= 1, "the README shows no output to check");
}
