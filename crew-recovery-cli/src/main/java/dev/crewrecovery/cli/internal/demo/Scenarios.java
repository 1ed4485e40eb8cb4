package dev.crewrecovery.cli.internal.demo;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.cli.internal.demo.Board.Fact;
import dev.crewrecovery.cli.internal.demo.Board.Kind;
import dev.crewrecovery.cli.internal.demo.Host.Worker;
import dev.crewrecovery.core.ApplyResult;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.DeliveryDropReason;
import dev.crewrecovery.core.DeliveryOutcome;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The seven failures of the demo (issue 7), each a method that injects one failure into real
 * processes, waits (with deadlines) for the engine to detect and handle it, and returns its row of
 * the closing table. A scenario that cannot go on throws {@link DemoException}; the caller turns it
 * into an unexpected row.
 */
final class Scenarios {
  private static final TaskId T1 = TaskId.of("t1");
  private static final TaskId T2 = TaskId.of("t2");

  /** One scenario: its number, what it injects, what it expects, and how it runs. */
  record Scenario(int number, String label, String failure, String expected, Body body) {}

  /** The body of a scenario. */
  @FunctionalInterface
  interface Body {
    Row run(Scenario s);
  }

  private final Host host;
  private final RecoveryConfig config;

  Scenarios(Host host) {
    this.host = host;
    this.config = host.crew.config();
  }

  /** Returns the seven scenarios, in order. */
  List<Scenario> all() {
    return List.of(
        new Scenario(
            1,
            "1-normal",
            "none (normal run)",
            "run COMPLETED, 1 attempt, worker exit 0",
            this::normal),
        new Scenario(
            2,
            "2-sigkill",
            "worker SIGKILLed",
            "attempt 1 WORKER_LOST (NON_ZERO_EXIT), attempt 2 COMPLETED, run COMPLETED",
            this::sigkill),
        new Scenario(
            3,
            "3-sigstop",
            "worker SIGSTOPped",
            "STALE, never DEAD; KILL_STALE killed the worker, run FAILED",
            this::sigstop),
        new Scenario(
            4,
            "4-host-crash",
            "host B SIGKILLed",
            "RESUME by demo-host-a: t1 kept, t2 attempt 2 COMPLETED, run COMPLETED",
            this::hostCrash),
        new Scenario(
            5,
            "5-recycled",
            "recycled PID",
            "RECYCLED: attempt 1 WORKER_LOST, pid's process untouched, attempt 2 COMPLETED",
            this::recycled),
        new Scenario(
            6,
            "6-delivery",
            "inactive consumer",
            "2 results queued, delivered in order on activation; stale steer dropped",
            this::deliveries),
        new Scenario(
            7,
            "7-deadletter",
            "worker always fails",
            "3 x NON_ZERO_EXIT -> MAX_RETRIES; redriven: attempt 4 COMPLETED, run COMPLETED",
            this::deadletter));
  }

  // ---------------------------------------------------------------------------- 1

  private Row normal(Scenario s) {
    RunId run = host.runId("normal");
    host.create(run, s.label(), List.of(T1));
    Worker w = host.startWorker(run, T1, "ok", 600);
    int code = host.complete(w);
    host.runs().finish(run, null);
    RunSnapshot after = host.snapshot(run);
    String outcome =
        "run "
            + after.status()
            + ", "
            + attempts(after, T1)
            + " attempt"
            + (attempts(after, T1) == 1 ? "" : "s")
            + ", worker exit "
            + code;
    return Row.of(
        s.number(),
        s.failure(),
        "its result line",
        null,
        "complete, finish",
        outcome,
        s.expected());
  }

  // ---------------------------------------------------------------------------- 2

  private Row sigkill(Scenario s) {
    RunId run = host.runId("sigkill");
    host.create(run, s.label(), List.of(T1));
    Worker w = host.startWorker(run, T1, "hang", 0);
    host.say(run, "demo: SIGKILL -> worker pid " + w.child().pid());
    long injected = host.narrator.nanos();
    w.child().sigkill();
    Fact repaired =
        host.board.await(
            "the repair of " + w.attempt(),
            f -> f.kind() == Kind.TASK_REPAIRED && w.attempt().equals(f.attempt()),
            Host.STEP);
    Duration latency = Duration.ofNanos(repaired.nanos() - injected);
    Integer exitCode = w.child().awaitExit(Host.STEP);
    host.say(
        run,
        "host: the engine saw worker pid "
            + w.child().pid()
            + " exit ("
            + exitCode
            + " = 128 + SIGKILL) "
            + seconds(latency)
            + " after the signal; task "
            + repaired.text());
    String first = failureOf(host.snapshot(run), T1, 1);
    String then;
    if (repaired.text().startsWith(TaskStatus.QUEUED.name())) {
      Worker second = host.runToCompletion(run, T1);
      then = "attempt " + second.attempt().number() + " " + taskStatus(run, T1);
    } else {
      then = "task " + taskStatus(run, T1);
    }
    host.runs().finish(run, null);
    String outcome = "attempt 1 " + first + ", " + then + ", run " + host.snapshot(run).status();
    return Row.of(
        s.number(),
        s.failure(),
        "process exit (onExit)",
        latency,
        "WORKER_LOST, retry",
        outcome,
        s.expected());
  }

  // ---------------------------------------------------------------------------- 3

  private Row sigstop(Scenario s) {
    RunId run = host.runId("sigstop");
    host.create(run, s.label(), List.of(T1));
    Worker w = host.startWorker(run, T1, "hang", 0);
    host.say(run, "demo: SIGSTOP -> worker pid " + w.child().pid() + " (frozen)");
    long injected = host.narrator.nanos();
    w.child().signal("STOP");
    Fact stale =
        host.board.await(
            "the STALE level of " + w.attempt(),
            f ->
                f.kind() == Kind.LEVEL
                    && w.attempt().equals(f.attempt())
                    && f.text().equals("STALE"),
            Host.STEP);
    Duration latency = Duration.ofNanos(stale.nanos() - injected);
    // Show that it stays STALE past the dead threshold: the process lives, so it is never DEAD.
    Duration hold = config.heartbeatDead().plus(config.watcherInterval().multipliedBy(3));
    long holdUntil = injected + hold.toNanos();
    boolean declaredDead =
        host.board.appears(
            f ->
                w.attempt().equals(f.attempt())
                    && ((f.kind() == Kind.LEVEL && f.text().equals("DEAD"))
                        || f.kind() == Kind.TASK_REPAIRED),
            Duration.ofNanos(Math.max(0, holdUntil - host.narrator.nanos())));
    Liveness probed = host.probe.probe(w.ref());
    TaskStatus status = taskStatus(run, T1);
    host.say(
        run,
        "demo: frozen for "
            + seconds(Duration.ofNanos(host.narrator.nanos() - injected))
            + " (dead threshold "
            + DemoSettings.seconds(config.heartbeatDead())
            + "): task "
            + status
            + ", probe "
            + probed
            + (declaredDead ? ", declared DEAD" : ", never declared DEAD"));
    RecoveryPlan plan =
        host.crew.recovery().plan().stream()
            .filter(p -> p.runId().equals(run))
            .findFirst()
            .orElseThrow(() -> new DemoException("plan() proposed nothing for " + run));
    host.say(
        run,
        "operator: plan says "
            + plan.verdict()
            + " / "
            + plan.action()
            + "; operator applies KILL_STALE (the only action that fails a live worker)");
    ApplyResult applied =
        host.crew.recovery().apply(plan.withAction(RecoveryAction.KILL_STALE, true));
    host.say(run, "operator: apply " + applied.status() + " (" + applied.detail() + ")");
    Integer code = w.child().awaitExit(Host.STEP);
    host.tail.drain(run);
    String outcome =
        (stale.text().equals("STALE") ? "STALE" : "not STALE")
            + ", "
            + (declaredDead || status != TaskStatus.RUNNING || probed != Liveness.ALIVE
                ? "DEAD or repaired while frozen"
                : "never DEAD")
            + "; KILL_STALE "
            + (code == null ? "left the worker running" : "killed the worker")
            + ", run "
            + host.snapshot(run).status();
    return Row.of(
        s.number(),
        s.failure(),
        "heartbeat age; probe ALIVE",
        latency,
        "KILL_STALE (operator)",
        outcome,
        s.expected());
  }

  // ---------------------------------------------------------------------------- 4

  private Row hostCrash(Scenario s) {
    RunId run = host.runId("host-crash");
    Child hostB =
        host.startChild(
            "host-b",
            List.of(
                "host",
                "--store",
                host.store.root().toString(),
                "--run",
                run.value(),
                "--session",
                "demo-host-b"));
    host.narrator.say(s.label(), "demo: started a second host JVM, pid " + hostB.pid());
    String owning = hostB.awaitLine("OWNING", Host.STEP);
    host.follow(run, s.label());
    host.tail.drain(run);
    long epochBefore = host.snapshot(run).manifest().epoch();
    host.say(
        run,
        "demo: host B owns "
            + run
            + " as "
            + owning.split(" ", -1)[1]
            + " (runner: itself; t1 done, t2 running); SIGKILL -> host B pid "
            + hostB.pid());
    long injected = host.narrator.nanos();
    hostB.sigkill();
    Fact reconciled =
        host.board.await(
            "the recovery of " + run,
            f -> f.kind() == Kind.RECONCILED && run.equals(f.run()),
            Host.STEP);
    Duration latency = Duration.ofNanos(reconciled.nanos() - injected);
    host.tail.drain(run);
    RunSnapshot resumed = host.snapshot(run);
    Owner owner = resumed.manifest().owner();
    host.say(
        run,
        "host: recovery "
            + reconciled.text()
            + "; owner now "
            + owner
            + ", epoch "
            + epochBefore
            + " -> "
            + resumed.manifest().epoch());
    for (TaskState t : resumed.tasks()) {
      if (t.status() == TaskStatus.QUEUED) {
        host.runToCompletion(run, t.id());
      }
    }
    host.runs().finish(run, null);
    RunSnapshot done = host.snapshot(run);
    String[] verdictActionStatus = reconciled.text().split(" ", -1);
    String outcome =
        verdictActionStatus[1]
            + " by "
            + (owner == null ? "nobody" : owner.session().value())
            + ": t1 "
            + (attempts(done, T1) == 1 && taskStatus(run, T1) == TaskStatus.COMPLETED
                ? "kept"
                : "redone")
            + ", t2 attempt "
            + attempts(done, T2)
            + " "
            + taskStatus(run, T2)
            + ", run "
            + done.status();
    return Row.of(
        s.number(),
        s.failure(),
        "lease expired, runner DEAD",
        latency,
        verdictActionStatus[0] + " -> " + verdictActionStatus[1],
        outcome,
        s.expected());
  }

  // ---------------------------------------------------------------------------- 5

  private Row recycled(Scenario s) {
    RunId run = host.runId("recycled");
    host.create(run, s.label(), List.of(T1));
    Child bystander =
        host.startChild("bystander", host.workerArgs(AttemptId.of(run, T1, 1), "idle", 0));
    bystander.awaitLine("READY", Host.STEP);
    ProcessRef real =
        host.probe
            .identify(bystander.process())
            .orElseThrow(() -> new DemoException("bystander pid " + bystander.pid() + " vanished"));
    ProcessRef wrong = wrongIdentity(real);
    host.say(
        run,
        "demo: recording worker pid "
            + wrong.pid()
            + " with start identity "
            + identity(wrong)
            + ", but that pid runs a process started at "
            + identity(real));
    long injected = host.narrator.nanos();
    AttemptId attempt = host.runs().startAttempt(run, T1, wrong, null, false);
    Fact repaired =
        host.board.await(
            "the repair of " + attempt,
            f -> f.kind() == Kind.TASK_REPAIRED && attempt.equals(f.attempt()),
            Host.STEP);
    Duration latency = Duration.ofNanos(repaired.nanos() - injected);
    host.tail.drain(run);
    Liveness judged = host.probe.probe(wrong);
    boolean untouched = bystander.process().isAlive();
    host.say(
        run,
        "demo: the recorded worker probes "
            + judged
            + "; the process on pid "
            + bystander.pid()
            + (untouched ? " is still running (never signalled)" : " is gone"));
    String first = failureOf(host.snapshot(run), T1, 1);
    String then = "task " + taskStatus(run, T1);
    if (repaired.text().startsWith(TaskStatus.QUEUED.name())) {
      Worker second = host.runToCompletion(run, T1);
      then = "attempt " + second.attempt().number() + " " + taskStatus(run, T1);
    }
    host.runs().finish(run, null);
    bystander.close();
    String outcome =
        judged
            + ": attempt 1 "
            + first.substring(0, first.indexOf(' ') < 0 ? first.length() : first.indexOf(' '))
            + ", pid's process "
            + (untouched ? "untouched" : "killed")
            + ", "
            + then;
    return Row.of(
        s.number(),
        s.failure(),
        "probe: start identity",
        latency,
        "WORKER_LOST, retry",
        outcome,
        s.expected());
  }

  private static ProcessRef wrongIdentity(ProcessRef real) {
    Long ticks = real.startTicks();
    if (ticks != null) {
      return real.withStartTicks(ticks + 7_919);
    }
    Instant started = real.startInstant();
    if (started == null) {
      throw new DemoException("this platform gives no start identity for pid " + real.pid());
    }
    return new ProcessRef(
        real.pid(), real.host(), real.bootId(), null, started.minus(Duration.ofHours(1)));
  }

  private static String identity(ProcessRef ref) {
    Long ticks = ref.startTicks();
    return ticks != null ? "tick " + ticks : String.valueOf(ref.startInstant());
  }

  // ---------------------------------------------------------------------------- 6

  private Row deliveries(Scenario s) {
    RunId run = host.runId("delivery");
    host.create(run, s.label(), List.of(T1, T2));
    DeliveryCoordinator deliveries = host.deliveries();
    SessionId consumer = host.crew.sessionId();
    SessionId other = SessionId.of("demo-ui-other");
    deliveries.deactivate();
    host.say(
        run,
        "demo: the consumer goes away (deactivate; generation "
            + deliveries.generation()
            + ", no session active)");
    List<String> queuedWhileInactive = new ArrayList<>();
    for (TaskId t : List.of(T1, T2)) {
      Worker w = host.runToCompletion(run, t);
      DeliveryId id = DeliveryId.forResult(w.attempt());
      boolean queued = deliveries.queued().stream().anyMatch(d -> d.id().equals(id));
      host.say(
          run,
          "host: the ledger handed the result of "
              + w.attempt()
              + " to delivery: "
              + (queued ? "QUEUED" : "not queued")
              + " (queue "
              + deliveries.queued().size()
              + ")");
      if (queued) {
        queuedWhileInactive.add(id.value());
      }
    }
    DeliveryOutcome steer =
        deliveries.deliverSteer(run, "also summarise the logs", null, DeliveryId.of("steer-1"));
    host.say(
        run,
        "host: steer steer-1 -> "
            + steer
            + " (generation "
            + deliveries.generation()
            + "); queue "
            + deliveries.queued().size()
            + ", consumer has "
            + host.board.all(f -> f.kind() == Kind.DELIVERED && run.equals(f.run())).size());
    long before = deliveries.stats().dropped(DeliveryDropReason.STALE_GENERATION);
    host.say(run, "demo: the consumer activates session " + other);
    deliveries.activate(other);
    host.say(run, "demo: the consumer switches to session " + consumer + " (a new generation)");
    long switched = host.narrator.nanos();
    deliveries.activate(consumer);
    long dropped = deliveries.stats().dropped(DeliveryDropReason.STALE_GENERATION) - before;
    host.runs().finish(run, null);
    host.tail.drain(run);
    List<String> results = new ArrayList<>();
    for (Fact f : host.board.all(f -> f.kind() == Kind.DELIVERED && run.equals(f.run()))) {
      Delivery d = (Delivery) Objects.requireNonNull(f.value());
      if (d.kind() == DeliveryKind.RESULT) {
        results.add(d.id().value());
      }
    }
    boolean steerDelivered =
        host.board
            .first(
                f ->
                    f.kind() == Kind.DELIVERED
                        && f.value() instanceof Delivery d
                        && d.kind() == DeliveryKind.STEER)
            .isPresent();
    Duration latency =
        host.board
            .first(f -> f.kind() == Kind.DELIVERED && run.equals(f.run()) && f.nanos() >= switched)
            .map(f -> Duration.ofNanos(f.nanos() - switched))
            .orElse(null);
    String outcome =
        queuedWhileInactive.size()
            + " results queued, "
            + (results.equals(queuedWhileInactive)
                ? "delivered in order on activation"
                : "delivered as " + results)
            + "; stale steer "
            + (dropped == 1 && !steerDelivered ? "dropped" : "not dropped");
    return Row.of(
        s.number(),
        s.failure(),
        "flush on activate",
        latency,
        "queue, flush, drop steer",
        outcome,
        s.expected());
  }

  // ---------------------------------------------------------------------------- 7

  private Row deadletter(Scenario s) {
    RunId run = host.runId("deadletter");
    host.create(run, s.label(), List.of(T1));
    Worker last = null;
    Fact repaired = null;
    for (int n = 1; n <= config.maxAttempts(); n++) {
      host.awaitStartable(run, T1);
      Worker w = host.startWorker(run, T1, "fail", 300);
      last = w;
      repaired =
          host.board.await(
              "the repair of " + w.attempt(),
              f -> f.kind() == Kind.TASK_REPAIRED && w.attempt().equals(f.attempt()),
              Host.STEP);
      if (!repaired.text().startsWith(TaskStatus.QUEUED.name())) {
        break;
      }
    }
    Objects.requireNonNull(last);
    Worker lastWorker = last;
    Fact entered =
        host.board.await(
            "a deadletter entry for " + run,
            f -> f.kind() == Kind.DEADLETTER && run.equals(f.run()),
            Host.STEP);
    long exited = lastWorker.child().exitNanos();
    Duration latency = exited < 0 ? null : Duration.ofNanos(Math.max(0, entered.nanos() - exited));
    host.tail.drain(run);
    DeadletterEntry entry = (DeadletterEntry) Objects.requireNonNull(entered.value());
    StringJoiner classes = new StringJoiner("/");
    RunSnapshot failed = host.snapshot(run);
    TaskState task = failed.task(T1).orElseThrow();
    for (Attempt a : task.attempts()) {
      Failure f = a.failure();
      classes.add(f == null || f.exitClass() == null ? "?" : String.valueOf(f.exitClass()));
    }
    String distinct = classes.toString().replaceAll("^(\\w+)(/\\1)*$", "$1");
    host.say(
        run,
        "host: deadletter entry "
            + entry.id()
            + " "
            + entry.reason()
            + " after "
            + entry.attempts()
            + " attempts; task "
            + task.status()
            + ", run "
            + failed.status());
    String redriven = host.redrive(entry);
    Worker again = host.runToCompletion(run, T1);
    if (!host.snapshot(run).status().isTerminal()) {
      host.runs().finish(run, null);
    }
    host.tail.drain(run);
    String outcome =
        task.attempts().size()
            + " x "
            + distinct
            + " -> "
            + entry.reason()
            + "; "
            + (redriven.equals("REDRIVEN") ? "redriven" : "redrive left the entry " + redriven)
            + ": attempt "
            + again.attempt().number()
            + " "
            + taskStatus(run, T1)
            + ", run "
            + host.snapshot(run).status();
    return Row.of(
        s.number(),
        s.failure(),
        "exit codes; retry budget",
        latency,
        "deadletter; redrive",
        outcome,
        s.expected());
  }

  // ---------------------------------------------------------------------------- helpers

  private static int attempts(RunSnapshot s, TaskId task) {
    return s.task(task).map(t -> t.attempts().size()).orElse(0);
  }

  private TaskStatus taskStatus(RunId run, TaskId task) {
    return host.snapshot(run).task(task).map(TaskState::status).orElseThrow();
  }

  /** The failure of an attempt in words: {@code WORKER_LOST (NON_ZERO_EXIT)}. */
  private String failureOf(RunSnapshot s, TaskId task, int number) {
    TaskState t = s.task(task).orElseThrow();
    if (t.attempts().size() < number) {
      return "never started";
    }
    Attempt a = t.attempts().get(number - 1);
    Failure f = a.failure();
    if (f == null) {
      return "not failed";
    }
    return f.code() + " (" + f.exitClass() + ")";
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
