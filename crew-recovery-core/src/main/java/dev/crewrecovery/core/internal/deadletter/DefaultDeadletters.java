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
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.DeadletterConfig;
import dev.crewrecovery.core.DeadletterListener;
import dev.crewrecovery.core.DeadletterQuery;
import dev.crewrecovery.core.DeadletterState;
import dev.crewrecovery.core.DeadletterView;
import dev.crewrecovery.core.Deadletters;
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
import org.jspecify.annotations.Nullable;

/** The default {@link Deadletters}; its interface documents the semantics. */
public final class DefaultDeadletters implements Deadletters {

  /** The most runs that get a {@code deadletter.over_capacity} event from one prune. */
  static final int MAX_EVENTED_RUNS = 100;

  private final RunStore store;
  private final DeadletterConfig config;
  private final DeadletterListener listener;
  private final System.Logger logger;
  private final AtomicBoolean overCapacity = new AtomicBoolean();

  /**
   * Creates the service.
   *
   * @param store the store
   * @param config retention and capacity
   * @param listener hears appends, discards and over-capacity
   * @param logger where warnings go
   */
  public DefaultDeadletters(
      RunStore store, DeadletterConfig config, DeadletterListener listener, System.Logger logger) {
    this.store = Objects.requireNonNull(store, "store");
    this.config = Objects.requireNonNull(config, "config");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.logger = Objects.requireNonNull(logger, "logger");
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
