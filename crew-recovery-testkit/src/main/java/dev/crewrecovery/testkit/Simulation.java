package dev.crewrecovery.testkit;

import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A seeded random schedule of {@link ManualDriver} actions, checked against invariants after every
 * action, with shrinking and replay.
 *
 * <p>An execution builds a fresh driver from the {@linkplain Builder#driver(Supplier) driver
 * factory}, starts {@linkplain Builder#runs(int) runs} runs {@code run-0 … run-(n−1)} with
 * {@linkplain Builder#tasksPerRun(int) tasks} {@code t0 …}, each task with a live worker, then
 * applies the actions one by one; after each it checks every invariant (each execution gets new
 * invariant instances from their factories, so they may keep history). Last comes a <em>settling
 * phase</em>, checked like the actions: the host is restarted if it is down and time advances by
 * {@link Builder#settle(Duration)}, so that liveness invariants ("repaired within …") are judged on
 * every schedule.
 *
 * <p>Actions address tasks by index, and an action that does not apply at its turn (killing a
 * worker that already ended, crashing a host that is down, completing a task that is not RUNNING)
 * does nothing. So any sub-list of a schedule is a schedule: {@link #check(long)} shrinks a failing
 * schedule by removing actions while the same invariant still fails, and throws a {@link Failure}
 * that names the seed, the invariant, and the shrunk list in the text form that {@link
 * #parse(String)} reads back for {@link #replay(String)}.
 *
 * <p>A simulation is immutable and thread-safe; each execution is confined to the calling thread.
 */
public final class Simulation {

  /** One step of a schedule. The text form ({@code toString()}) is what {@link #parse} reads. */
  public sealed interface Action {
    /**
     * Applies the action to the driver, or does nothing when it does not apply now.
     *
     * @param d the driver
     */
    void apply(ManualDriver d);
  }

  /** {@code advance <duration>}: {@link ManualDriver#advance(Duration)}. */
  public record Advance(Duration d) implements Action {
    @Override
    public void apply(ManualDriver driver) {
      driver.advance(d);
    }

    @Override
    public String toString() {
      return "advance " + d;
    }
  }

  /** {@code tick}: {@link ManualDriver#tick()}. */
  public record Tick() implements Action {
    @Override
    public void apply(ManualDriver d) {
      d.tick();
    }

    @Override
    public String toString() {
      return "tick";
    }
  }

  /** {@code kill <run> <task>}: {@link ManualDriver#killWorker}. */
  public record Kill(int run, int task) implements Action {
    @Override
    public void apply(ManualDriver d) {
      if (d.worker(runId(run), taskId(task)).isPresent()) {
        d.killWorker(runId(run), taskId(task));
      }
    }

    @Override
    public String toString() {
      return "kill " + run + " " + task;
    }
  }

  /** {@code pause <run> <task>}: {@link ManualDriver#pauseWorker}. */
  public record Pause(int run, int task) implements Action {
    @Override
    public void apply(ManualDriver d) {
      if (d.worker(runId(run), taskId(task)).isPresent()) {
        d.pauseWorker(runId(run), taskId(task));
      }
    }

    @Override
    public String toString() {
      return "pause " + run + " " + task;
    }
  }

  /** {@code resume <run> <task>}: {@link ManualDriver#resumeWorker}. */
  public record Resume(int run, int task) implements Action {
    @Override
    public void apply(ManualDriver d) {
      if (d.worker(runId(run), taskId(task)).isPresent()) {
        d.resumeWorker(runId(run), taskId(task));
      }
    }

    @Override
    public String toString() {
      return "resume " + run + " " + task;
    }
  }

  /** {@code recycle <run> <task>}: {@link ManualDriver#recyclePid}. */
  public record Recycle(int run, int task) implements Action {
    @Override
    public void apply(ManualDriver d) {
      if (d.worker(runId(run), taskId(task)).isPresent()) {
        d.recyclePid(runId(run), taskId(task));
      }
    }

    @Override
    public String toString() {
      return "recycle " + run + " " + task;
    }
  }

  /**
   * {@code result <run> <task>}: {@link ManualDriver#recordResult} while the task is RUNNING and
   * the host up.
   */
  public record Result(int run, int task) implements Action {
    @Override
    public void apply(ManualDriver d) {
      if (d.hostUp() && running(d, run, task)) {
        try {
          d.recordResult(runId(run), taskId(task));
        } catch (CrewRecoveryException e) {
          // the host's write was refused (fenced, terminal): what a host sees, not a failure
        }
      }
    }

    @Override
    public String toString() {
      return "result " + run + " " + task;
    }
  }

  /**
   * {@code complete <run> <task>}: {@link ManualDriver#completeTask} while the task is RUNNING with
   * a live worker and the host up.
   */
  public record Complete(int run, int task) implements Action {
    @Override
    public void apply(ManualDriver d) {
      if (d.hostUp() && running(d, run, task) && d.worker(runId(run), taskId(task)).isPresent()) {
        try {
          d.completeTask(runId(run), taskId(task));
        } catch (CrewRecoveryException e) {
          // refused, as above
        }
      }
    }

    @Override
    public String toString() {
      return "complete " + run + " " + task;
    }
  }

  /** {@code startQueued}: the host starts a new attempt of every QUEUED task it may start. */
  public record StartQueued() implements Action {
    @Override
    public void apply(ManualDriver d) {
      if (!d.hostUp()) {
        return;
      }
      for (RunId run : d.store().allRuns()) {
        RunSnapshot s = d.snapshot(run).orElse(null);
        if (s == null || s.manifest().status().isTerminal()) {
          continue;
        }
        for (TaskState t : s.tasks()) {
          if (t.status() == TaskStatus.QUEUED) {
            try {
              d.startAttempt(run, t.id());
            } catch (CrewRecoveryException e) {
              // not startable yet (back-off, fenced): the host tries again later
            }
          }
        }
      }
    }

    @Override
    public String toString() {
      return "startQueued";
    }
  }

  /** {@code crash}: {@link ManualDriver#crashHost()} while the host is up. */
  public record Crash() implements Action {
    @Override
    public void apply(ManualDriver d) {
      if (d.hostUp()) {
        d.crashHost();
      }
    }

    @Override
    public String toString() {
      return "crash";
    }
  }

  /** {@code restart}: {@link ManualDriver#restartHost()} while the host is down. */
  public record Restart() implements Action {
    @Override
    public void apply(ManualDriver d) {
      if (!d.hostUp()) {
        d.restartHost();
      }
    }

    @Override
    public String toString() {
      return "restart";
    }
  }

  /** {@code pauseHost <duration>}: {@link ManualDriver#pauseHost(Duration)}. */
  public record PauseHost(Duration d) implements Action {
    @Override
    public void apply(ManualDriver driver) {
      driver.pauseHost(d);
    }

    @Override
    public String toString() {
      return "pauseHost " + d;
    }
  }

  /** {@code stepWall <duration>}: {@link ManualDriver#stepWall(Duration)} (may be negative). */
  public record StepWall(Duration d) implements Action {
    @Override
    public void apply(ManualDriver driver) {
      driver.stepWall(d);
    }

    @Override
    public String toString() {
      return "stepWall " + d;
    }
  }

  /** {@code suspend <duration>}: {@link ManualDriver#suspend(Duration)}. */
  public record Suspend(Duration d) implements Action {
    @Override
    public void apply(ManualDriver driver) {
      driver.suspend(d);
    }

    @Override
    public String toString() {
      return "suspend " + d;
    }
  }

  /**
   * A property checked after every action of an execution. Instances come from a factory per
   * execution, so they may keep history (what was terminal, when a worker died).
   */
  @FunctionalInterface
  public interface Invariant {
    /**
     * Checks the state after an action.
     *
     * @param driver the driver, after the action
     * @param step the number of the action (0-based; the settling phase counts after the last)
     * @param action the action just applied
     * @throws AssertionError naming what is violated
     */
    void check(ManualDriver driver, int step, Action action);
  }

  /** Why an execution failed: the invariant (or "exception") and its message. */
  public record Violation(String invariant, int step, String action, String message) {
    /** Validates the components. */
    public Violation {
      Objects.requireNonNull(invariant, "invariant");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A failed simulation: the seed, the violation, and the shrunk schedule that still shows it.
   * {@link #getMessage()} says how to replay it.
   */
  public static final class Failure extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final transient List<Action> original;
    private final transient List<Action> shrunk;
    private final transient Violation violation;

    Failure(long seed, List<Action> original, List<Action> shrunk, Violation violation) {
      super(message(seed, original, shrunk, violation));
      this.seed = seed;
      this.original = List.copyOf(original);
      this.shrunk = List.copyOf(shrunk);
      this.violation = violation;
    }

    private static String message(
        long seed, List<Action> original, List<Action> shrunk, Violation v) {
      return "simulation with seed "
          + seed
          + " failed: invariant '"
          + v.invariant()
          + "' violated after step "
          + v.step()
          + " ("
          + v.action()
          + "): "
          + v.message()
          + "\nshrunk from "
          + original.size()
          + " to "
          + shrunk.size()
          + " actions: "
          + format(shrunk)
          + "\nreplay with simulation.replay(\""
          + format(shrunk)
          + "\") or simulation.check("
          + seed
          + "L)";
    }

    /** Returns the seed of the schedule. */
    public long seed() {
      return seed;
    }

    /** Returns the schedule the seed generated. */
    public List<Action> original() {
      return original;
    }

    /** Returns the shrunk schedule. */
    public List<Action> shrunk() {
      return shrunk;
    }

    /** Returns the violation the shrunk schedule shows. */
    public Violation violation() {
      return violation;
    }
  }

  private final int runs;
  private final int tasksPerRun;
  private final int length;
  private final Duration settle;
  private final Supplier<ManualDriver.Builder> driver;
  private final Map<String, Supplier<? extends Invariant>> invariants;
  private final int maxShrinkRuns;

  private Simulation(Builder b) {
    this.runs = b.runs;
    this.tasksPerRun = b.tasksPerRun;
    this.length = b.length;
    this.settle = b.settle;
    this.driver = b.driver;
    this.invariants = new LinkedHashMap<>(b.invariants);
    this.maxShrinkRuns = b.maxShrinkRuns;
  }

  /**
   * Returns a builder: 2 runs of 2 tasks, 30 actions, a settling phase of 7 min (one recovery scan
   * of 60 s plus a grace window of 300 s plus slack), the default driver, no invariant.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the run id of run index {@code i}. */
  public static RunId runId(int i) {
    return RunId.of("run-" + i);
  }

  /** Returns the task id of task index {@code j}. */
  public static TaskId taskId(int j) {
    return TaskId.of("t" + j);
  }

  private static boolean running(ManualDriver d, int run, int task) {
    return d.snapshot(runId(run))
        .flatMap(s -> s.task(taskId(task)))
        .map(t -> t.status() == TaskStatus.RUNNING)
        .orElse(false);
  }

  // ------------------------------------------------------------------------------ schedules

  /**
   * Returns the schedule a seed generates: {@link Builder#length(int)} actions, drawn with fixed
   * weights (time passing most often, then worker faults, host faults and clock faults).
   *
   * @param seed the seed
   * @return the schedule; equal seeds give equal schedules
   */
  public List<Action> schedule(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Action> out = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      out.add(randomAction(r));
    }
    return out;
  }

  private static final Duration[] ADVANCES = {
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(30),
    Duration.ofSeconds(61),
    Duration.ofMinutes(5),
    Duration.ofMinutes(20)
  };
  private static final Duration[] WALL_STEPS = {
    Duration.ofHours(-1),
    Duration.ofHours(1),
    Duration.ofHours(25),
    Duration.ofSeconds(-10),
    Duration.ofSeconds(3)
  };
  private static final Duration[] SUSPENDS = {Duration.ofSeconds(30), Duration.ofHours(8)};
  private static final Duration[] HOST_PAUSES = {
    Duration.ofSeconds(20), Duration.ofSeconds(45), Duration.ofMinutes(3)
  };

  private Action randomAction(SplittableRandom r) {
    int run = r.nextInt(runs);
    int task = r.nextInt(tasksPerRun);
    int w = r.nextInt(100);
    if (w < 30) {
      return new Advance(ADVANCES[r.nextInt(ADVANCES.length)]);
    } else if (w < 35) {
      return new Tick();
    } else if (w < 45) {
      return new Kill(run, task);
    } else if (w < 50) {
      return new Pause(run, task);
    } else if (w < 54) {
      return new Resume(run, task);
    } else if (w < 58) {
      return new Recycle(run, task);
    } else if (w < 63) {
      return new Result(run, task);
    } else if (w < 68) {
      return new Complete(run, task);
    } else if (w < 74) {
      return new StartQueued();
    } else if (w < 79) {
      return new Crash();
    } else if (w < 85) {
      return new Restart();
    } else if (w < 89) {
      return new PauseHost(HOST_PAUSES[r.nextInt(HOST_PAUSES.length)]);
    } else if (w < 95) {
      return new StepWall(WALL_STEPS[r.nextInt(WALL_STEPS.length)]);
    } else {
      return new Suspend(SUSPENDS[r.nextInt(SUSPENDS.length)]);
    }
  }

  /**
   * Returns the text form of a schedule, actions separated by {@code "; "}.
   *
   * @param actions the schedule
   * @return its text, read back by {@link #parse(String)}
   */
  public static String format(List<Action> actions) {
    StringBuilder sb = new StringBuilder();
    for (Action a : actions) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(a);
    }
    return sb.toString();
  }

  /**
   * Reads a schedule in the text form of {@link #format(List)}.
   *
   * @param text actions separated by {@code ;}, blank for none
   * @return the schedule
   * @throws IllegalArgumentException naming the action that cannot be read
   */
  public static List<Action> parse(String text) {
    List<Action> out = new ArrayList<>();
    for (String part : text.split(";", -1)) {
      String s = part.strip();
      if (s.isEmpty()) {
        continue;
      }
      String[] w = s.split("\\s+", -1);
      try {
        out.add(
            switch (w[0].toLowerCase(Locale.ROOT)) {
              case "advance" -> new Advance(Duration.parse(w[1]));
              case "tick" -> new Tick();
              case "kill" -> new Kill(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
              case "pause" -> new Pause(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
              case "resume" -> new Resume(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
              case "recycle" -> new Recycle(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
              case "result" -> new Result(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
              case "complete" -> new Complete(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
              case "startqueued" -> new StartQueued();
              case "crash" -> new Crash();
              case "restart" -> new Restart();
              case "pausehost" -> new PauseHost(Duration.parse(w[1]));
              case "stepwall" -> new StepWall(Duration.parse(w[1]));
              case "suspend" -> new Suspend(Duration.parse(w[1]));
              default -> throw new IllegalArgumentException("unknown action");
            });
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "cannot read action '"
                + s
                + "': expected one of advance <ISO duration>, tick, kill|pause|resume|recycle"
                + "|result|complete <run> <task>, startQueued, crash, restart, pauseHost|stepWall"
                + "|suspend <ISO duration>",
            e);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------ executions

  /**
   * Executes a schedule on a fresh driver and returns the first violation, if any. An exception
   * thrown by an action or an invariant other than {@link AssertionError} is a violation of the
   * invariant {@code "exception"}.
   *
   * @param actions the schedule
   * @return the first violation, or empty when every invariant held throughout
   */
  public Optional<Violation> execute(List<Action> actions) {
    Map<String, Invariant> live = new LinkedHashMap<>();
    invariants.forEach((name, factory) -> live.put(name, factory.get()));
    try (ManualDriver d = driver.get().build()) {
      for (int i = 0; i < runs; i++) {
        String[] tasks = new String[tasksPerRun];
        for (int j = 0; j < tasksPerRun; j++) {
          tasks[j] = taskId(j).value();
        }
        d.startRun(runId(i).value(), tasks);
      }
      List<Action> all = new ArrayList<>(actions);
      all.add(new Restart());
      all.add(new Advance(settle));
      for (int step = 0; step < all.size(); step++) {
        Action a = all.get(step);
        try {
          a.apply(d);
        } catch (RuntimeException e) {
          return Optional.of(new Violation("exception", step, a.toString(), describe(e)));
        }
        for (Map.Entry<String, Invariant> inv : live.entrySet()) {
          try {
            inv.getValue().check(d, step, a);
          } catch (AssertionError e) {
            return Optional.of(
                new Violation(inv.getKey(), step, a.toString(), String.valueOf(e.getMessage())));
          } catch (RuntimeException e) {
            return Optional.of(new Violation("exception", step, a.toString(), describe(e)));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static String describe(RuntimeException e) {
    StackTraceElement[] st = e.getStackTrace();
    return e + (st.length > 0 ? " at " + st[0] : "");
  }

  /**
   * Generates the schedule of {@code seed}, executes it, and on a violation shrinks it and throws.
   *
   * @param seed the seed
   * @throws Failure naming the seed, the violation and the shrunk schedule
   */
  public void check(long seed) {
    List<Action> actions = schedule(seed);
    Optional<Violation> v = execute(actions);
    if (v.isPresent()) {
      List<Action> shrunk = shrink(actions, v.get());
      Violation last = execute(shrunk).orElse(v.get());
      throw new Failure(seed, actions, shrunk, last);
    }
  }

  /**
   * Executes a schedule given in text form, as a {@link Failure} prints it, and throws if it fails.
   *
   * @param text the schedule
   * @throws Failure (with seed 0, not shrunk further) when an invariant is violated
   * @throws IllegalArgumentException if the text cannot be read
   */
  public void replay(String text) {
    List<Action> actions = parse(text);
    Optional<Violation> v = execute(actions);
    if (v.isPresent()) {
      throw new Failure(0, actions, actions, v.get());
    }
  }

  /**
   * Shrinks a failing schedule: removes chunks of actions, halving the chunk size down to one
   * action, keeping each removal after which the same invariant still fails, until no single action
   * can be removed (or the budget of executions is spent).
   *
   * @param actions a schedule that fails
   * @param violation how it fails
   * @return a schedule, no longer than {@code actions}, that fails the same invariant
   */
  public List<Action> shrink(List<Action> actions, Violation violation) {
    List<Action> current = new ArrayList<>(actions);
    int budget = maxShrinkRuns;
    int chunk = Math.max(1, current.size() / 2);
    while (budget > 0) {
      boolean removed = false;
      for (int start = 0; start < current.size() && budget > 0; ) {
        int end = Math.min(current.size(), start + chunk);
        List<Action> candidate = new ArrayList<>(current.subList(0, start));
        candidate.addAll(current.subList(end, current.size()));
        budget--;
        Optional<Violation> v = execute(candidate);
        if (v.isPresent() && v.get().invariant().equals(violation.invariant())) {
          current = candidate;
          removed = true;
        } else {
          start += chunk;
        }
      }
      if (chunk == 1 && !removed) {
        break;
      }
      if (!removed) {
        chunk = Math.max(1, chunk / 2);
      }
    }
    return current;
  }

  /** A builder of {@link Simulation}; see {@link Simulation#builder()} for the defaults. */
  public static final class Builder {
    private int runs = 2;
    private int tasksPerRun = 2;
    private int length = 30;
    private Duration settle = Duration.ofMinutes(7);
    private Supplier<ManualDriver.Builder> driver = ManualDriver::builder;
    private final Map<String, Supplier<? extends Invariant>> invariants = new LinkedHashMap<>();
    private int maxShrinkRuns = 2_000;

    private Builder() {}

    /** Sets how many runs each execution starts (at least 1). */
    public Builder runs(int runs) {
      this.runs = atLeast(1, runs, "runs");
      return this;
    }

    /** Sets how many tasks each run has (at least 1). */
    public Builder tasksPerRun(int tasks) {
      this.tasksPerRun = atLeast(1, tasks, "tasksPerRun");
      return this;
    }

    /** Sets how many actions a seed generates (at least 0). */
    public Builder length(int length) {
      this.length = atLeast(0, length, "length");
      return this;
    }

    /** Sets how long the settling phase lets time pass after the schedule (not negative). */
    public Builder settle(Duration settle) {
      Objects.requireNonNull(settle, "settle");
      if (settle.isNegative()) {
        throw new IllegalArgumentException("settle must not be negative, was " + settle);
      }
      this.settle = settle;
      return this;
    }

    /**
     * Sets where each execution's driver comes from; the builder must build a started driver with a
     * fresh clock, store and probe each time.
     */
    public Builder driver(Supplier<ManualDriver.Builder> driver) {
      this.driver = Objects.requireNonNull(driver, "driver");
      return this;
    }

    /** Adds an invariant with its own state per execution. Names must be unique. */
    public Builder invariant(String name, Supplier<? extends Invariant> factory) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(factory, "factory");
      if (invariants.putIfAbsent(name, factory) != null) {
        throw new IllegalArgumentException("an invariant named '" + name + "' exists already");
      }
      return this;
    }

    /** Adds a stateless invariant. Names must be unique. */
    public Builder invariant(String name, Invariant invariant) {
      Objects.requireNonNull(invariant, "invariant");
      return invariant(name, () -> invariant);
    }

    /** Adds the invariants of {@link SimulationInvariants#standard()}. */
    public Builder standardInvariants() {
      SimulationInvariants.standard().forEach(this::invariant);
      return this;
    }

    /** Sets how many executions shrinking may spend (at least 0; default 2 000). */
    public Builder maxShrinkRuns(int runs) {
      this.maxShrinkRuns = atLeast(0, runs, "maxShrinkRuns");
      return this;
    }

    /** Builds the simulation. */
    public Simulation build() {
      return new Simulation(this);
    }

    private static int atLeast(int min, int value, String what) {
      if (value < min) {
        throw new IllegalArgumentException(what + " must be at least " + min + ", was " + value);
      }
      return value;
    }
  }
}
