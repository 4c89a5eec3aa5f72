//! A lab of two hosts on this one machine, for running MPI "across machines"
//! without a second machine: `sudo target/debug/lab up|down|status`.
//!
//! Each host is a network namespace (`mpilab-h1`, `mpilab-h2`) with one
//! interface, `lab0`, whose address is in the lab's own private range
//! 10.231.0.0/24; the interfaces meet on a bridge that lives in a third
//! namespace (`mpilab-sw`), so nothing is added to this machine's own network
//! and no lab address can reach beyond the lab. Every process started on a
//! host also gets a UTS namespace of its own, so `hostname` says which host
//! it is on.
//!
//! `lab mpirun ARGS` runs Open MPI's `mpirun ARGS` on the first host with a
//! hostfile of the lab, and `mpirun` starts the ranks of the second host
//! through `lab agent` (in place of `ssh`), which enters that host's
//! namespaces: the chapter's programs run unchanged across the two hosts,
//! over TCP. `lab kill-demo` kills one rank on the second host while a job
//! runs and reports what `mpirun` did; `lab record DIR` writes both runs to
//! files for the book.
//!
//! Everything here needs root (creating namespaces); without it, the lab says
//! so and stops.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::sched::{CloneFlags, setns, unshare};
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

/// The hosts, in the order of the hostfile: `mpirun` runs on the first.
const HOSTS: [&str; 2] = ["mpilab-h1", "mpilab-h2"];
/// The namespace that holds the bridge between the hosts.
const SWITCH: &str = "mpilab-sw";
/// Every namespace of the lab has a name that starts so; `down` deletes
/// those, and no other.
const PREFIX: &str = "mpilab-";
/// The lab's addresses: 10.231.0.11, .12, ... in 10.231.0.0/24.
const SUBNET: &str = "10.231.0.0/24";
/// The interface of each host.
const IFACE: &str = "lab0";
/// Where `up` writes the hostfile.
const RUN_DIR: &str = "/run/mpilab";
/// Ranks each host takes before `mpirun` oversubscribes.
const SLOTS: u32 = 2;

fn address(host: usize) -> String {
    format!("10.231.0.{}", 11 + host)
}

fn hostfile() -> PathBuf {
    Path::new(RUN_DIR).join("hosts")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map_or("status", String::as_str);
    let rest = &args[args.len().min(1)..];
    let result = match command {
        "up" => as_root("up").and_then(|()| up()),
        "down" => as_root("down").and_then(|()| down()),
        "status" => status(),
        "check" => check(),
        "exec" => as_root("exec").and_then(|()| exec_on(rest)),
        "agent" => agent(rest),
        "mpirun" => as_root("mpirun").and_then(|()| lab_mpirun(rest)),
        "kill-demo" => {
            as_root("kill-demo").and_then(|()| kill_demo().map(|report| print!("{report}")))
        }
        "record" => as_root("record").and_then(|()| record(rest)),
        _ => Err(format!(
            "unknown command {command:?}.\n\
             usage: lab up | down | status | check | exec HOST -- CMD... | mpirun ARGS... \
             | kill-demo | record DIR"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lab: {message}");
            ExitCode::FAILURE
        }
    }
}

fn as_root(what: &str) -> Result<(), String> {
    if nix::unistd::geteuid().is_root() {
        Ok(())
    } else {
        Err(format!(
            "`lab {what}` needs root: it creates network namespaces. Run it with sudo, \
             e.g. `cargo build -p beyond --bins && sudo target/debug/lab {what}` (the lab \
             touches nothing but the namespaces named {PREFIX}* that it creates)."
        ))
    }
}

/// Runs `ip ARGS`, failing with what it printed.
fn ip(args: &[&str]) -> Result<String, String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run `ip` ({e}): apt-get install iproute2"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`ip {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The namespaces of the lab that exist now (a crashed run may have left some).
fn lab_namespaces() -> Result<Vec<String>, String> {
    let list = ip(&["netns", "list"])?;
    Ok(list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| name.starts_with(PREFIX))
        .map(str::to_owned)
        .collect())
}

/// `lab up`: a lab made in full, or, when a step fails, none at all.
fn up() -> Result<(), String> {
    build_up().map_err(|error| match down() {
        Ok(()) => format!("{error} (what was made of the lab is removed again)"),
        Err(also) => format!("{error}; removing the lab then failed too: {also}"),
    })
}

// ANCHOR: up
fn build_up() -> Result<(), String> {
    // Leftovers of a crashed run first, so that `up` always starts clean.
    down()?;
    ip(&["netns", "add", SWITCH])?;
    ip(&["-n", SWITCH, "link", "add", "br0", "type", "bridge"])?;
    ip(&["-n", SWITCH, "link", "set", "br0", "up"])?;
    for (i, host) in HOSTS.iter().enumerate() {
        let port = format!("port{}", i + 1);
        let cidr = format!("{}/24", address(i));
        ip(&["netns", "add", host])?;
        // Both ends are created inside the lab's namespaces: the veth pair
        // never appears among this machine's own interfaces.
        ip(&[
            "-n", SWITCH, "link", "add", &port, "type", "veth", "peer", "name", IFACE, "netns",
            host,
        ])?;
        ip(&["-n", SWITCH, "link", "set", &port, "master", "br0", "up"])?;
        ip(&["-n", host, "addr", "add", &cidr, "dev", IFACE])?;
        ip(&["-n", host, "link", "set", IFACE, "up"])?;
        ip(&["-n", host, "link", "set", "lo", "up"])?;
    }
    std::fs::create_dir_all(RUN_DIR).map_err(|e| format!("cannot create {RUN_DIR}: {e}"))?;
    let hosts: String = HOSTS
        .iter()
        .map(|h| format!("{h} slots={SLOTS}\n"))
        .collect();
    std::fs::write(hostfile(), hosts).map_err(|e| format!("cannot write the hostfile: {e}"))?;
    println!(
        "lab up: {} on {SUBNET}, hostfile {}",
        HOSTS
            .iter()
            .enumerate()
            .map(|(i, h)| format!("{h} ({})", address(i)))
            .collect::<Vec<_>>()
            .join(", "),
        hostfile().display()
    );
    Ok(())
}
// ANCHOR_END: up

fn down() -> Result<(), String> {
    for ns in lab_namespaces()? {
        // Processes still inside (the ranks of a crashed run) would keep the
        // namespace alive after its name is gone: stop them first. `ip netns
        // pids` lists only processes in this namespace of the lab.
        for _ in 0..3 {
            let pids = ip(&["netns", "pids", &ns])?;
            if pids.trim().is_empty() {
                break;
            }
            for pid in pids
                .split_whitespace()
                .filter_map(|p| p.parse::<i32>().ok())
            {
                let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        ip(&["netns", "delete", &ns])?;
    }
    match std::fs::remove_dir_all(RUN_DIR) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot remove {RUN_DIR}: {e}")),
    }
    println!("lab down: no namespace named {PREFIX}* is left");
    Ok(())
}

fn status() -> Result<(), String> {
    let namespaces = lab_namespaces()?;
    if namespaces.is_empty() {
        println!("lab down (no namespace named {PREFIX}*)");
        return Ok(());
    }
    for ns in &namespaces {
        let addresses = ip(&["-n", ns, "-brief", "address"]).unwrap_or_default();
        let pids = ip(&["netns", "pids", ns]).unwrap_or_default();
        println!(
            "{ns}: {} process(es)\n{}",
            pids.split_whitespace().count(),
            addresses
                .lines()
                .map(|l| format!("  {l}\n"))
                .collect::<String>()
        );
    }
    Ok(())
}

/// Exit status 0 when the lab is up and usable by this user; otherwise the
/// reason on standard error (the tests skip with it).
fn check() -> Result<(), String> {
    if !nix::unistd::geteuid().is_root() {
        return Err("not root".into());
    }
    let namespaces = lab_namespaces()?;
    for (i, host) in HOSTS.iter().enumerate() {
        if !namespaces.iter().any(|n| n == host) {
            return Err(format!("no namespace {host}: run `lab up`"));
        }
        let addresses = ip(&["-n", host, "-brief", "address", "show", IFACE])?;
        if !addresses.contains(&address(i)) {
            return Err(format!(
                "{host} has no address {}: run `lab up`",
                address(i)
            ));
        }
    }
    if !hostfile().exists() {
        return Err(format!(
            "no hostfile {}: run `lab up`",
            hostfile().display()
        ));
    }
    Ok(())
}

// ANCHOR: enter
/// Moves this process onto `host`: its network namespace, and a UTS
/// namespace of its own whose host name is `host`. Only then does it `exec`
/// what runs there.
fn enter(host: &str) -> Result<(), String> {
    if !HOSTS.contains(&host) {
        return Err(format!(
            "{host:?} is not a host of the lab ({})",
            HOSTS.join(", ")
        ));
    }
    let netns = File::open(format!("/run/netns/{host}"))
        .map_err(|e| format!("no namespace {host} ({e}): run `lab up`"))?;
    setns(netns, CloneFlags::CLONE_NEWNET).map_err(|e| format!("setns {host}: {e}"))?;
    unshare(CloneFlags::CLONE_NEWUTS).map_err(|e| format!("unshare UTS: {e}"))?;
    nix::unistd::sethostname(host).map_err(|e| format!("sethostname {host}: {e}"))?;
    Ok(())
}
// ANCHOR_END: enter

/// `lab exec HOST -- CMD ARGS...`
fn exec_on(args: &[String]) -> Result<(), String> {
    let (host, command) = match args {
        [host, dashes, command @ ..] if dashes == "--" && !command.is_empty() => (host, command),
        [host, command @ ..] if !command.is_empty() => (host, command),
        _ => return Err("usage: lab exec HOST -- CMD ARGS...".into()),
    };
    enter(host)?;
    let error = Command::new(&command[0]).args(&command[1..]).exec();
    Err(format!("cannot run {:?}: {error}", command[0]))
}

// ANCHOR: agent
/// What `mpirun` calls in place of `ssh HOST COMMAND...` to start its daemon
/// on another host: enter the host, then run the command through a shell,
/// as `sshd` would.
fn agent(args: &[String]) -> Result<(), String> {
    // ssh-style options before the host name, if any, mean nothing here.
    let mut words = args.iter().skip_while(|a| a.starts_with('-'));
    let host = words.next().ok_or("usage: lab agent HOST COMMAND...")?;
    let command: Vec<&str> = words.map(String::as_str).collect();
    enter(host)?;
    let error = Command::new("/bin/sh")
        .arg("-c")
        .arg(command.join(" "))
        .exec();
    Err(format!("cannot run /bin/sh: {error}"))
}
// ANCHOR_END: agent

// ANCHOR: mpirun
/// The `mpirun` command line that spans the lab, run on its first host.
fn mpirun_across_lab(args: &[String]) -> Result<Command, String> {
    check()?;
    let me = std::env::current_exe().map_err(|e| format!("where am I? {e}"))?;
    let mut mpirun = Command::new("mpirun");
    mpirun
        .arg("--hostfile")
        .arg(hostfile())
        // Rank 0 on the first host, rank 1 on the second, rank 2 on the first...
        .args(["--map-by", "node", "--oversubscribe"])
        // Start the daemon of the other host through `lab agent`, not ssh.
        .args(["--mca", "plm_rsh_agent"])
        .arg(format!("{} agent", me.display()))
        // Between hosts TCP on the lab's network only; within a host, shared memory.
        .args(["--mca", "btl", "tcp,vader,self"])
        .args(["--mca", "btl_tcp_if_include", SUBNET])
        .args(["--mca", "oob_tcp_if_include", SUBNET])
        .args(["--mca", "btl_vader_single_copy_mechanism", "none"])
        .args(args)
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    Ok(mpirun)
}
// ANCHOR_END: mpirun

/// `lab mpirun ARGS...`: `mpirun ARGS...` across the lab, from its first host.
fn lab_mpirun(args: &[String]) -> Result<(), String> {
    let mut mpirun = mpirun_across_lab(args)?;
    enter(HOSTS[0])?;
    let error = mpirun.exec();
    Err(format!(
        "cannot run mpirun ({error}): apt-get install openmpi-bin"
    ))
}

/// A chapter program next to this one (`heartbeat`, or `sol_heartbeat` in
/// the solution crate).
fn sibling(name: &str) -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| format!("where am I? {e}"))?;
    let dir = me.parent().ok_or("no folder")?;
    [name.to_owned(), format!("sol_{name}")]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.exists())
        .ok_or_else(|| {
            format!(
                "no program {name} beside {}: cargo build -p beyond --bins",
                me.display()
            )
        })
}

/// `lab mpirun ARGS` as a child in a process group of its own, its standard
/// output and error read line by line (tagged with the stream) on threads.
fn spawn_lab_mpirun(args: &[&str]) -> Result<(Child, mpsc::Receiver<String>), String> {
    let me = std::env::current_exe().map_err(|e| format!("where am I? {e}"))?;
    let mut child = Command::new(me)
        .arg("mpirun")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start lab mpirun: {e}"))?;
    let (lines, received) = mpsc::channel();
    let out = child.stdout.take().ok_or("no stdout")?;
    let err = child.stderr.take().ok_or("no stderr")?;
    for (stream, tag) in [
        (Box::new(out) as Box<dyn std::io::Read + Send>, ""),
        (Box::new(err), "(stderr) "),
    ] {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if lines.send(format!("{tag}{line}")).is_err() {
                    break;
                }
            }
        });
    }
    Ok((child, received))
}

/// Waits for `child` until `deadline`; kills its group if it overstays.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = killpg(Pid::from_raw(child.id() as i32), Signal::SIGKILL);
    let _ = child.wait();
    None
}

/// How long the kill demo waits for every rank to report, and for `mpirun`
/// to end once a rank is killed, before it gives up and kills the job.
const READY_WITHIN: Duration = Duration::from_secs(60);
const END_WITHIN: Duration = Duration::from_secs(60);

// ANCHOR: kill_demo
/// Starts `heartbeat` on four ranks across the lab, waits until every rank
/// runs, kills rank 1 (on the second host) with SIGKILL, and reports what
/// `mpirun` did and how long it took to end.
fn kill_demo() -> Result<String, String> {
    let heartbeat = sibling("heartbeat")?;
    let heartbeat = heartbeat.to_string_lossy();
    let args = ["--tag-output", "-np", "4", &heartbeat, "120"];
    let (mut child, lines) = spawn_lab_mpirun(&args)?;
    let mut report = format!("$ sudo target/release/lab mpirun {}\n", args.join(" "))
        .replace(&*heartbeat, "target/release/heartbeat");
    let started = Instant::now();
    let mut victim = None;
    let mut ready = 0;
    while ready < 4 {
        let left = READY_WITHIN.saturating_sub(started.elapsed());
        let Ok(line) = lines.recv_timeout(left) else {
            let _ = wait_until(&mut child, Instant::now());
            return Err(format!(
                "the ranks did not all report within {READY_WITHIN:?}:\n{report}"
            ));
        };
        report.push_str(&line);
        report.push('\n');
        if line.contains(": running") {
            ready += 1;
            if line.contains("rank 1 of 4") {
                victim = line
                    .split_whitespace()
                    .skip_while(|w| *w != "pid")
                    .nth(1)
                    .and_then(|p| p.parse::<i32>().ok());
            }
        }
    }
    let victim = victim.ok_or("rank 1 did not say its pid")?;
    kill(Pid::from_raw(victim), Signal::SIGKILL).map_err(|e| format!("kill {victim}: {e}"))?;
    let killed = Instant::now();
    report.push_str(&format!(
        "(rank 1, pid {victim} on mpilab-h2, killed with SIGKILL)\n"
    ));
    let status = wait_until(&mut child, killed + END_WITHIN);
    let after = killed.elapsed();
    while let Ok(line) = lines.recv_timeout(Duration::from_millis(500)) {
        if !line.trim().is_empty() {
            report.push_str(&line);
            report.push('\n');
        }
    }
    match status {
        Some(status) => report.push_str(&format!(
            "mpirun ended {:.1} s after the kill: {status}\n",
            after.as_secs_f64()
        )),
        None => report.push_str(&format!(
            "mpirun was still running {:.0} s after the kill and was killed\n",
            END_WITHIN.as_secs_f64()
        )),
    }
    Ok(report)
}
// ANCHOR_END: kill_demo

/// How long one recorded run may take (a measurement across the lab on a
/// loaded machine takes a minute).
const RECORD_WITHIN: Duration = Duration::from_secs(300);

/// Runs `lab mpirun ARGS` to its end (at most [`RECORD_WITHIN`]) and
/// returns the command, as a reader would type it, and what it printed.
fn transcript(args: &[&str], program: &Path, shown_as: &str) -> Result<String, String> {
    let (mut child, lines) = spawn_lab_mpirun(args)?;
    let status = wait_until(&mut child, Instant::now() + RECORD_WITHIN).ok_or_else(|| {
        format!(
            "`lab mpirun {}` did not finish within {RECORD_WITHIN:?}",
            args.join(" ")
        )
    })?;
    let shown = |text: &str| text.replace(&*program.to_string_lossy(), shown_as);
    let mut text = format!(
        "$ sudo target/release/lab mpirun {}\n",
        shown(&args.join(" "))
    );
    while let Ok(line) = lines.recv_timeout(Duration::from_millis(500)) {
        text.push_str(&shown(&line));
        text.push('\n');
    }
    if !status.success() {
        return Err(format!("the run failed ({status}):\n{text}"));
    }
    Ok(text)
}

/// `lab record DIR`: `ranks` across the lab, the chapter's measurements on
/// one host and across two, and the kill demo, each into a file of DIR, for
/// the book. Build in release mode first, so that the measurements mean
/// something: `cargo build --release -p beyond --bins`.
fn record(args: &[String]) -> Result<(), String> {
    let dir = Path::new(args.first().ok_or("usage: lab record DIR")?);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let ranks = sibling("ranks")?;
    let text = transcript(
        &["-np", "4", &ranks.to_string_lossy()],
        &ranks,
        "target/release/ranks",
    )?;
    write(&dir.join("ranks-across-hosts.txt"), &text)?;
    // The same two ranks, first both on one host (shared memory), then one
    // on each host (TCP over the lab's bridge).
    let measure = sibling("mpi_measure")?;
    let program = measure.to_string_lossy();
    let one_host = format!("{}:2", HOSTS[0]);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut text = format!(
        "# measured with a load average of {} on {cores} cores\n",
        load.split_whitespace().next().unwrap_or("?")
    );
    text.push_str(&transcript(
        &["--host", &one_host, "-np", "2", &program, "3", "100000"],
        &measure,
        "target/release/mpi_measure",
    )?);
    text.push_str(&transcript(
        &["-np", "2", &program, "3", "100000"],
        &measure,
        "target/release/mpi_measure",
    )?);
    write(&dir.join("measure-one-and-two-hosts.txt"), &text)?;
    write(&dir.join("rank-killed.txt"), &kill_demo()?)?;
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    let mut file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}
