package dev.crewrecovery.cli.internal.demo;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.Deadletters;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.RedriveResult;
import dev.crewrecovery.core.RunLedger;
import dev.crewrecovery.core.SystemClock;
import dev.crewrecovery.core.SystemProcessProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's host: one {@link CrewRecovery} session on the demo's store, plus what the scenarios
 * need around it (starting worker JVMs as attempts, finishing runs, the narrator and the board). It
 * plays the part of an application that schedules its own workers: the engine detects and repairs;
 * starting the next attempt after a retry is the host's job, as in a real application.
 */
final class Host {
  /** How long any single step may take before a scenario gives up (JVM starts on a busy box). */
  static final Duration STEP = Duration.ofSeconds(30);

  /**
   * A worker process running an attempt.
   *
   * @param child the process
   * @param attempt the attempt it runs
   * @param ref its identity as recorded on the attempt
   */
  record Worker(Child child, AttemptId attempt, ProcessRef ref) {}

  final FileRunStore store;
  final SystemProcessProbe probe;
  final CrewRecovery crew;
  final Narrator narrator;
  final Board board;
  final EventTail tail;
  final Path logs;
  final String runSuffix;
  private final List<Child> children = new ArrayList<>();

  Host(
      FileRunStore store,
      SystemProcessProbe probe,
      CrewRecovery crew,
      Narrator narrator,
      Board board,
      EventTail tail,
      Path logs,
      String runSuffix) {
    this.store = store;
    this.probe = probe;
    this.crew = crew;
    this.narrator = narrator;
    this.board = board;
    this.tail = tail;
    this.logs = logs;
    this.runSuffix = runSuffix;
  }

  RunLedger runs() {
    return crew.runs();
  }

  /** Returns the id the demo gives a scenario's run. */
  RunId runId(String name) {
    return RunId.of("demo-" + name + runSuffix);
  }

  /**
   * Creates a run owned by this host and follows its events.
   *
   * @param run the run id
   * @param label the scenario label for the narration
   * @param tasks its tasks
   */
  void create(RunId run, String label, List<TaskId> tasks) {
    follow(run, label);
    runs().create(run, tasks);
  }

  /** Narrates a run's events under a scenario label. */
  void follow(RunId run, String label) {
    narrator.label(run, label);
    tail.follow(run);
  }

  /**
   * Prints a line about a run after the run's events not printed yet, so that the story keeps the
   * order in which things happened.
   */
  void say(RunId run, String text) {
    tail.drain(run);
    narrator.sayRun(run, text);
  }

  /** Starts a child JVM and keeps it, so that it is killed when the demo ends. */
  Child startChild(String name, List<String> args) {
    try {
      Child c = Child.start(name, logs, args, narrator::nanos);
      synchronized (children) {
        children.add(c);
      }
      return c;
    } catch (IOException e) {
      throw new DemoException("cannot start a child JVM: " + e);
    }
  }

  /**
   * Starts a worker JVM and, once it runs, the task's next attempt with that worker recorded: the
   * engine watches its exit from then on. The worker starts working on GO, after the commit.
   *
   * @param run the run
   * @param task the task (QUEUED, its back-off over)
   * @param mode {@code ok}, {@code fail}, {@code hang} or {@code idle} (see {@link DemoChild})
   * @param workMillis how long an {@code ok} or {@code fail} worker works
   * @return the worker
   */
  Worker startWorker(RunId run, TaskId task, String mode, long workMillis) {
    int number = snapshot(run).task(task).map(t -> t.attempts().size()).orElse(0) + 1;
    Child child =
        startChild(
            "worker-" + task + "-" + number,
            workerArgs(AttemptId.of(run, task, number), mode, workMillis));
    child.awaitLine("READY", STEP);
    ProcessRef ref =
        probe
            .identify(child.process())
            .orElseThrow(() -> new DemoException("worker pid " + child.pid() + " vanished"));
    AttemptId attempt = runs().startAttempt(run, task, ref, null, false);
    if (attempt.number() != number) {
      throw new DemoException("expected attempt " + number + " but the ledger started " + attempt);
    }
    say(run, "host: worker pid " + child.pid() + " (" + mode + ") runs " + attempt);
    child.send("GO");
    child.awaitLine("WORKING", STEP);
    return new Worker(child, attempt, ref);
  }

  /** The arguments of a worker JVM. */
  List<String> workerArgs(AttemptId attempt, String mode, long workMillis) {
    return List.of(
        "worker",
        "--store",
        store.root().toString(),
        "--run",
        attempt.runId().value(),
        "--task",
        attempt.taskId().value(),
        "--attempt",
        Integer.toString(attempt.number()),
        "--mode",
        mode,
        "--work-ms",
        Long.toString(workMillis));
  }

  /**
   * Waits for an {@code ok} worker's result, records it through the ledger (completing the task),
   * then lets the worker exit.
   *
   * @param w the worker
   * @return the worker's exit code
   */
  int complete(Worker w) {
    String line = w.child().awaitLine("RESULT ", STEP);
    runs().complete(w.attempt(), line.substring("RESULT ".length()));
    w.child().send("ACK");
    Integer code = w.child().awaitExit(STEP);
    if (code == null) {
      throw new DemoException("worker pid " + w.child().pid() + " did not exit after its result");
    }
    return code;
  }

  /** Starts an {@code ok} worker for the task's next attempt and completes it. */
  Worker runToCompletion(RunId run, TaskId task) {
    awaitStartable(run, task);
    Worker w = startWorker(run, task, "ok", 400);
    complete(w);
    return w;
  }

  /** Waits until the task's retry back-off ({@code notBefore}) is over. */
  void awaitStartable(RunId run, TaskId task) {
    Instant notBefore = snapshot(run).task(task).map(TaskState::notBefore).orElse(null);
    if (notBefore == null) {
      return;
    }
    long deadline = narrator.nanos() + STEP.toNanos();
    while (now().isBefore(notBefore)) {
      if (narrator.nanos() > deadline) {
        throw new DemoException("the back-off of " + run + "/" + task + " did not end");
      }
      // Waiting for an instant, not for another thread: the back-off is a time.
      LockSupport.parkNanos(Duration.between(now(), notBefore).toNanos() + 1_000_000);
    }
  }

  Instant now() {
    return SystemClock.instance().now();
  }

  RunSnapshot snapshot(RunId run) {
    return runs().snapshot(run).orElseThrow(() -> new DemoException("run " + run + " is gone"));
  }

  /**
   * Returns the session's delivery coordinator: the ledger hands it every recorded result and every
   * finished run's notification; the board is its sink.
   */
  DeliveryCoordinator deliveries() {
    return crew.deliveries();
  }

  /**
   * Redrives a deadletter entry.
   *
   * @param entry the entry
   * @return the entry's state afterwards
   */
  String redrive(DeadletterEntry entry) {
    Deadletters deadletters = crew.recovery().deadletters();
    RedriveResult preview = deadletters.previewRedrive(entry.id(), now());
    say(
        entry.runId(),
        Board.abbreviate(
            "operator: redrive --dry-run "
                + entry.id()
                + ": "
                + String.join("; ", preview.changes()),
            160));
    RedriveResult done = deadletters.redrive(entry.id(), now());
    say(
        entry.runId(),
        "operator: redrive "
            + entry.id()
            + ": entry "
            + done.entry().state()
            + ", run "
            + done.snapshot().status()
            + " at epoch "
            + done.snapshot().manifest().epoch());
    return done.entry().state().name();
  }

  /** Kills every child still running. */
  void killChildren() {
    synchronized (children) {
      for (Child c : children) {
        c.close();
      }
      children.clear();
    }
  }
}
