//! `stripe-events serve` (or `worker`) processes whose stdout is collected line by line: the
//! built-in handler prints one line per event it runs (`customer.created evt_1 -> ...`), so
//! the lines of all processes together say how often each event's handler ran, including
//! those a process printed just before it was killed.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `serve` or `worker` process, killed when dropped.
pub struct Process {
    child: Child,
    /// `127.0.0.1:PORT` for `serve`.
    pub addr: String,
    lines: Arc<Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Process {
    /// Starts `stripe-events serve --addr 127.0.0.1:PORT --db DB --secret SECRET EXTRA...`
    /// and waits for its "listening" line.
    pub fn serve(db: &str, secret: &str, extra: &[&str]) -> Self {
        Self::serve_env(db, secret, extra, &[])
    }

    /// [`Process::serve`] with environment variables `env` set.
    pub fn serve_env(db: &str, secret: &str, extra: &[&str], env: &[(&str, &str)]) -> Self {
        let addr = format!("127.0.0.1:{}", super::free_port());
        let mut command = super::bin();
        command.args(["serve", "--addr", &addr, "--db", db, "--secret", secret]);
        command.args(extra);
        command.envs(env.iter().copied());
        Self::start(command, addr, "listening on")
    }

    /// Starts `stripe-events worker --db DB EXTRA...` (it prints nothing until it runs a
    /// handler).
    pub fn worker(db: &str, extra: &[&str]) -> Self {
        let mut command = super::bin();
        command.args(["worker", "--db", db]);
        command.args(extra);
        Self::start(command, String::new(), "")
    }

    fn start(mut command: std::process::Command, addr: String, first: &str) -> Self {
        let mut child = command
            .env_remove("DATABASE_URL")
            .env_remove("STRIPE_WEBHOOK_SECRET")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        if !first.is_empty() && (stdout.read_line(&mut line).is_err() || !line.starts_with(first)) {
            let _ = child.kill();
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            panic!("{command:?} did not start: {line}\n{err}");
        }
        // stderr (the log) is drained too, so that the process never blocks on a full pipe.
        let mut stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let reader = std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Self {
            child,
            addr,
            lines,
            reader: Some(reader),
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: the process dies at once, wherever it is (inside a handler, say).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits (at most 30 s) for it to finish what it holds and exit.
    pub fn stop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                self.kill();
                panic!("process {} did not stop on SIGTERM", self.pid());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every line it printed after its first, once it has ended (call `kill` or `stop`).
    pub fn lines(&mut self) -> Vec<String> {
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.lines.lock().unwrap().clone()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How many times the built-in handler ran for each event id, over the lines of every
/// process (`TYPE ID -> ...`).
pub fn handler_runs(processes: &mut [Process]) -> HashMap<String, usize> {
    let mut runs = HashMap::new();
    for process in processes {
        for line in process.lines() {
            if let Some(id) = line.split(' ').nth(1).filter(|id| id.starts_with("evt_")) {
                *runs.entry(id.to_owned()).or_insert(0) += 1;
            }
        }
    }
    runs
}
