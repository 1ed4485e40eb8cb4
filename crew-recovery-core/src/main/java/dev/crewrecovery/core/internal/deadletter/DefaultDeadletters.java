package dev.crewrecovery.core.internal.deadletter;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.DeadletterNotFoundException;
import dev.crewrecovery.api.DeadletterNotOpenException;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RedriveRefusedException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateResult;
import dev.crewrecovery.core.DeadletterConfig;
import dev.crewrecovery.core.DeadletterListener;
import dev.crewrecovery.core.DeadletterQuery;
import dev.crewrecovery.core.DeadletterState;
import dev.crewrecovery.core.DeadletterView;
import dev.crewrecovery.core.Deadletters;
import dev.crewrecovery.core.RedriveResult;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/** The default {@link Deadletters}; its interface documents the semantics. */
public final class DefaultDeadletters implements Deadletters {

  /** The most runs that get a {@code deadletter.over_capacity} event from one prune. */
  static final int MAX_EVENTED_RUNS = 100;

  private final RunStore store;
  private final DeadletterConfig config;
  private final DeadletterListener listener;
  private final System.Logger logger;
  private final @Nullable RedriveBinding binding;
  private final AtomicBoolean overCapacity = new AtomicBoolean();

  /**
   * Creates the service, not bound to a session: it refuses to redrive.
   *
   * @param store the store
   * @param config retention and capacity
   * @param listener hears appends, discards and over-capacity
   * @param logger where warnings go
   */
  public DefaultDeadletters(
      RunStore store, DeadletterConfig config, DeadletterListener listener, System.Logger logger) {
    this(store, config, listener, logger, null);
  }

  /**
   * Creates the service.
   *
   * @param store the store
   * @param config retention and capacity
   * @param listener hears appends, discards, redrives and over-capacity
   * @param logger where warnings go
   * @param binding the session redrives are made for, or null to refuse redrive
   */
  public DefaultDeadletters(
      RunStore store,
      DeadletterConfig config,
      DeadletterListener listener,
      System.Logger logger,
      @Nullable RedriveBinding binding) {
    this.store = Objects.requireNonNull(store, "store");
    this.config = Objects.requireNonNull(config, "config");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.logger = Objects.requireNonNull(logger, "logger");
    this.binding = binding;
  }

  /** Loads each run at most once per call: listing many entries of one run reads it once. */
  private final class Runs {
    private final Map<RunId, Optional<RunSnapshot>> cache = new HashMap<>();

    @Nullable RunSnapshot get(RunId runId) {
      return cache.computeIfAbsent(runId, DefaultDeadletters.this::loadQuietly).orElse(null);
    }
  }

  private Optional<RunSnapshot> loadQuietly(RunId runId) {
    try {
      return store.load(runId);
    } catch (CorruptStateException e) {
      logger.log(
          Level.WARNING,
          "run " + runId + " cannot be read; its deadletter entries are treated as OPEN",
          e);
      return Optional.empty();
    }
  }

  private static DeadletterView viewOf(StoredDeadletter s, Runs runs) {
    DeadletterState state =
        DeadletterStateRule.stateOf(s.entry(), s.marks(), runs.get(s.entry().runId()));
    return new DeadletterView(s.entry(), state, s.marks());
  }

  @Override
  public List<DeadletterView> list(DeadletterQuery query) {
    Objects.requireNonNull(query, "query");
    Runs runs = new Runs();
    List<DeadletterView> out = new ArrayList<>();
    for (StoredDeadletter s : store.deadletters(query.storeFilter())) {
      DeadletterView v = viewOf(s, runs);
      if (query.state() == null || query.state() == v.state()) {
        out.add(v);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public Optional<DeadletterView> find(DeadletterId id) {
    Objects.requireNonNull(id, "id");
    // The SPI selects by stored fields only, not by id: scan (at most the capacity, 10 000).
    for (StoredDeadletter s : store.deadletters(DeadletterFilter.all())) {
      if (s.entry().id().equals(id)) {
        return Optional.of(viewOf(s, new Runs()));
      }
    }
    return Optional.empty();
  }

  private StoredDeadletter stored(DeadletterId id) {
    for (StoredDeadletter s : store.deadletters(DeadletterFilter.all())) {
      if (s.entry().id().equals(id)) {
        return s;
      }
    }
    throw new DeadletterNotFoundException(id);
  }

  private RedriveBinding binding(DeadletterId id) {
    RedriveBinding b = binding;
    if (b == null) {
      throw new RedriveRefusedException(
          id,
          "this Deadletters is not bound to a session (it was made by Deadletters.create);"
              + " redrive adopts the run for the redriving session, so use"
              + " CrewRecovery.recovery().deadletters() of a started session");
    }
    return b;
  }

  @Override
  public RedriveResult previewRedrive(DeadletterId id, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(now, "now");
    RedriveBinding b = binding(id);
    Owner me = b.redriver();
    StoredDeadletter s = stored(id);
    DeadletterEntry entry = s.entry();
    RunSnapshot run =
        store.load(entry.runId()).orElseThrow(() -> new RunNotFoundException(entry.runId()));
    DeadletterView view =
        new DeadletterView(entry, DeadletterStateRule.stateOf(entry, s.marks(), run), s.marks());
    if (entry.reason() == DeadletterReason.DELIVERY_FAILED) {
      requireOpen(view, run);
      String change = b.redeliver(entry, run, true);
      return new RedriveResult(view, List.of(change, markChange(entry, me)), run, false);
    }
    Redrive.Plan plan = Redrive.task(entry, s.marks(), run, me, now);
    return new RedriveResult(
        view, plan.changes(), plan.next().withVersion(run.version() + 1), false);
  }

  @Override
  public RedriveResult redrive(DeadletterId id, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(now, "now");
    RedriveBinding b = binding(id);
    Owner me = b.writer();
    StoredDeadletter s = stored(id);
    DeadletterEntry entry = s.entry();
    List<String> changes;
    RunSnapshot after;
    if (entry.reason() == DeadletterReason.DELIVERY_FAILED) {
      RunSnapshot run =
          store.load(entry.runId()).orElseThrow(() -> new RunNotFoundException(entry.runId()));
      requireOpen(
          new DeadletterView(entry, DeadletterStateRule.stateOf(entry, s.marks(), run), s.marks()),
          run);
      changes = List.of(b.redeliver(entry, run, false), markChange(entry, me));
      after = run;
    } else {
      AtomicReference<Redrive.@Nullable Plan> made = new AtomicReference<>();
      AtomicReference<@Nullable Owner> previous = new AtomicReference<>();
      UpdateResult r =
          store.update(
              entry.runId(),
              (current, heartbeats) -> {
                Redrive.Plan p = Redrive.task(entry, s.marks(), current, me, now);
                made.set(p);
                previous.set(current.manifest().owner());
                return Update.commit(p.next(), List.of(p.event()));
              });
      Redrive.Plan plan = Objects.requireNonNull(made.get(), "plan");
      after = r.snapshot();
      changes = plan.changes();
      b.adopted(after, previous.get());
    }
    // After the commit: a crash before the mark leaves a task entry SUPERSEDED (its task was
    // requeued), which is closed too; the mark only says who closed it and why.
    DeadletterMark mark =
        new DeadletterMark(id, DeadletterMark.Kind.REDRIVE, now, "redriven by " + me);
    List<DeadletterMark> marks = new ArrayList<>(s.marks());
    if (store.markDeadletter(mark)) {
      marks.add(mark);
    } else {
      logger.log(Level.DEBUG, "deadletter entry {0} was pruned before its redrive mark", id);
    }
    RedriveResult result =
        new RedriveResult(
            new DeadletterView(entry, DeadletterState.REDRIVEN, marks), changes, after, true);
    listen(() -> listener.redriven(result));
    return result;
  }

  private static void requireOpen(DeadletterView view, RunSnapshot run) {
    if (view.state() != DeadletterState.OPEN) {
      throw new DeadletterNotOpenException(
          view.id(), Redrive.describe(view.state(), view.entry(), run), "redrive");
    }
  }

  private static String markChange(DeadletterEntry entry, Owner me) {
    return "deadletter " + entry.id() + ": redrive mark by " + me + " (REDRIVEN)";
  }

  @Override
  public DeadletterView discard(DeadletterId id, String reason, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(now, "now");
    requireText(reason, "reason");
    DeadletterView before = find(id).orElseThrow(() -> new DeadletterNotFoundException(id));
    if (before.state() != DeadletterState.OPEN) {
      throw new DeadletterNotOpenException(id, before.state().name(), "discard");
    }
    DeadletterMark mark = new DeadletterMark(id, DeadletterMark.Kind.DISCARD, now, reason);
    if (!store.markDeadletter(mark)) {
      // Pruned between the read and the mark.
      throw new DeadletterNotFoundException(id);
    }
    List<DeadletterMark> marks = new ArrayList<>(before.marks());
    marks.add(mark);
    DeadletterView after = new DeadletterView(before.entry(), DeadletterState.DISCARDED, marks);
    Map<String, String> data = new LinkedHashMap<>();
    data.put("deadletter", id.value());
    data.put("reason", reason);
    appendEvent(before.entry().runId(), "deadletter.discarded", now, data);
    listen(() -> listener.discarded(after));
    return after;
  }

  @Override
  public DeadletterView appendManual(
      RunId runId, @Nullable TaskId task, String message, Instant now) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(now, "now");
    requireText(message, "message");
    RunSnapshot run = store.load(runId).orElseThrow(() -> new RunNotFoundException(runId));
    long epoch = run.manifest().epoch();
    DeadletterId id =
        DeadletterId.derived(
            runId + "|" + (task == null ? "" : task.value()) + "|" + now + "|" + message,
            DeadletterReason.MANUAL);
    DeadletterEntry entry;
    if (task == null) {
      entry =
          new DeadletterEntry(
              id, runId, null, null, null, DeadletterReason.MANUAL, 0, message, now, epoch);
    } else {
      TaskState t =
          run.task(task)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "run "
                              + runId
                              + " has no task "
                              + task
                              + "; its tasks are "
                              + taskIds(run)));
      Optional<Attempt> last = t.lastAttempt();
      entry =
          last.isPresent()
              ? new DeadletterEntry(
                  id,
                  runId,
                  task,
                  last.get().id(),
                  null,
                  DeadletterReason.MANUAL,
                  last.get().id().number(),
                  message,
                  now,
                  epoch)
              : new DeadletterEntry(
                  id, runId, task, null, null, DeadletterReason.MANUAL, 0, message, now, epoch);
    }
    boolean appended = store.appendDeadletter(entry);
    DeadletterView view =
        new DeadletterView(entry, DeadletterStateRule.stateOf(entry, List.of(), run), List.of());
    if (appended) {
      Map<String, String> data = new LinkedHashMap<>();
      data.put("deadletter", id.value());
      data.put("reason", DeadletterReason.MANUAL.name());
      if (task != null) {
        data.put("task", task.value());
      }
      data.put("message", message);
      appendEvent(runId, "deadletter.appended", now, data);
      DeadletterEntry written = entry;
      listen(() -> listener.appended(written));
    }
    return view;
  }

  private static List<TaskId> taskIds(RunSnapshot run) {
    List<TaskId> ids = new ArrayList<>();
    for (TaskState t : run.tasks()) {
      ids.add(t.id());
    }
    return ids;
  }

  @Override
  public PruneResult prune(Instant now) {
    Objects.requireNonNull(now, "now");
    List<StoredDeadletter> stored = store.deadletters(DeadletterFilter.all());
    Runs runs = new Runs();
    Set<DeadletterId> closed = new HashSet<>();
    List<DeadletterEntry> open = new ArrayList<>();
    for (StoredDeadletter s : stored) {
      if (viewOf(s, runs).state().isClosed()) {
        closed.add(s.entry().id());
      } else {
        open.add(s.entry());
      }
    }
    PruneResult result = store.pruneDeadletters(now, config.retention(), config.capacity(), closed);
    if (result.removed() > 0) {
      logger.log(
          Level.DEBUG,
          "pruned {0} closed deadletter entries; {1} remain",
          result.removed(),
          result.remaining());
    }
    if (!result.overCapacity()) {
      overCapacity.set(false);
      return result;
    }
    logger.log(
        Level.WARNING,
        "deadletter over capacity: {0} entries remain, capacity {1}; only open entries are left"
            + " to prune and those are kept",
        result.remaining(),
        config.capacity());
    listen(() -> listener.overCapacity(result));
    if (overCapacity.compareAndSet(false, true)) {
      eventOverCapacity(open, result, now);
    }
    return result;
  }

  /** Appends one event to the runs of the newest open entries beyond the capacity. */
  private void eventOverCapacity(List<DeadletterEntry> open, PruneResult result, Instant now) {
    int beyond = Math.max(1, result.remaining() - config.capacity());
    Set<RunId> affected = new LinkedHashSet<>();
    for (int i = open.size() - 1; i >= 0 && open.size() - i <= beyond; i--) {
      affected.add(open.get(i).runId());
      if (affected.size() == MAX_EVENTED_RUNS) {
        break;
      }
    }
    Map<String, String> data = new LinkedHashMap<>();
    data.put("remaining", Integer.toString(result.remaining()));
    data.put("capacity", Integer.toString(config.capacity()));
    for (RunId runId : affected) {
      appendEvent(runId, "deadletter.over_capacity", now, data);
    }
  }

  private void appendEvent(RunId runId, String type, Instant at, Map<String, String> data) {
    try {
      store.appendEvents(runId, List.of(NewEvent.of(type, at, data)));
    } catch (RunNotFoundException e) {
      logger.log(Level.DEBUG, "no run {0} to record {1} in", runId, type);
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "could not append " + type + " to run " + runId, e);
    }
  }

  private void listen(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "deadletter listener threw; ignored", e);
    }
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
