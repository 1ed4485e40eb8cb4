package dev.crewrecovery.core.internal.recovery;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.ResumeRecord;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.ProcessExit;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateResult;
import dev.crewrecovery.core.ApplyResult;
import dev.crewrecovery.core.DiagnosisReport;
import dev.crewrecovery.core.ReconcileReport;
import dev.crewrecovery.core.ReconcileReport.Outcome;
import dev.crewrecovery.core.ReconcileReport.RunReport;
import dev.crewrecovery.core.Recovery;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryPlan;
import dev.crewrecovery.core.RecoveryPolicy;
import dev.crewrecovery.core.ReportSink;
import dev.crewrecovery.core.internal.decide.Decider;
import dev.crewrecovery.core.internal.decide.DecisionPolicy;
import dev.crewrecovery.core.internal.decide.Evidence;
import dev.crewrecovery.core.internal.decide.Repair;
import dev.crewrecovery.core.internal.decide.Rule;
import dev.crewrecovery.core.internal.decide.TimeState;
import dev.crewrecovery.core.internal.decide.Verdict;
import dev.crewrecovery.core.internal.heartbeat.ObservationTracker;
import dev.crewrecovery.core.internal.ledger.Events;
import dev.crewrecovery.core.internal.ledger.WorkerExits;
import dev.crewrecovery.core.internal.logs.LogEvidence;
import dev.crewrecovery.core.internal.session.Discontinuity;
import dev.crewrecovery.core.internal.session.Loop;
import dev.crewrecovery.core.internal.session.Services;
import dev.crewrecovery.core.internal.session.Session;
import dev.crewrecovery.core.internal.session.TimeSampler;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The recovery loop of one session (DESIGN sections 7 and 8). A {@link #pass()} lists the store's
 * active runs and, for each:
 *
 * <ul>
 *   <li>decides what it may do: nothing for a run a live session other than this incarnation owns;
 *       everything for an ownerless run, a run whose owner's lease expired, or a run of an older
 *       incarnation of this session; the owner-side rules only for a run this incarnation owns;
 *   <li>probes the run's runner and workers and reads the vouching sessions' leases, outside any
 *       exclusion, keyed by (attempt, ref) and (ref, epoch);
 *   <li>decides on the listed snapshot; records a verdict that differs from the last one this
 *       session recorded for the run (one {@code run.verdict} event, one listener call);
 *   <li>applies the policy's action inside {@code RunStore.update}, re-deciding there on the fresh
 *       snapshot, the heartbeat slots read there, the same keyed probe results and the fresh owner
 *       and lease; if the run changed (finished, shielded, adopted, verdict moved) it writes
 *       nothing;
 *   <li>after the commit: terminates the orphan workers of a {@code PROCESS_DEAD} repair that still
 *       probe ALIVE (the probe re-checks identity; UNKNOWN ones are only reported), calls the
 *       listener, and watches the exits of an adopted run's runner and workers.
 * </ul>
 *
 * <p>A per-run failure is recorded in the report and the pass goes on. Passes are serialized (the
 * methods are synchronized); the scheduler runs them on the session's one thread, between watcher
 * ticks.
 */
public final class RecoveryLoop implements Recovery {
  private static final System.Logger LOG = System.getLogger(RecoveryLoop.class.getName());

  /** How this session stands towards a run. */
  enum Standing {
    /** This incarnation owns it: owner-side rules only. */
    OWNED,
    /** Nobody owns it. */
    OWNERLESS,
    /** An older incarnation of this session owns it: adopt or repair. */
    OWN_OLDER,
    /** Another session owns it and its lease expired: repair. */
    EXPIRED_OWNER,
    /** A live session other than this incarnation owns it: never touched. */
    LIVE_OWNER
  }

  /** The keyed process evidence gathered outside the exclusion. */
  private record Probes(
      Map<AttemptId, Map.Entry<ProcessRef, Liveness>> workers,
      @Nullable Liveness runner,
      long runnerEpoch,
      Map<SessionId, Lease> leases,
      LogEvidence.Gathered logs) {}

  private final Services services;
  private final Session session;
  private final RecoveryConfig config;
  private final ObservationTracker tracker;
  private final WorkerExits exits;
  private final RecoveryPolicy policy;
  private final DecisionPolicy decisionPolicy;
  private final Map<RunId, VerdictKind> lastVerdict = new ConcurrentHashMap<>();
  private final Map<RunId, CompletableFuture<ProcessExit>> runnerWatches =
      new ConcurrentHashMap<>();
  private volatile Executor executor = Runnable::run;
  private volatile ReportSink reportSink = ReportSink.none();
  private final FutureInstants futures = new FutureInstants();

  /** The runs whose verdict cache was seeded from their latest {@code run.verdict} event. */
  private final Set<RunId> seeded = ConcurrentHashMap.newKeySet();

  private volatile dev.crewrecovery.core.@Nullable Deadletters deadletters;
  private final TimeSampler sampler;
  private final LogEvidence logs;
  private long passes;

  /**
   * Creates the loop.
   *
   * @param services the session's services
   * @param tracker the session's observation tracker (used for the runs it owns)
   * @param exits the watch of worker exits (adopted runs' workers are registered there)
   * @param policy the recovery policy
   */
  public RecoveryLoop(
      Services services, ObservationTracker tracker, WorkerExits exits, RecoveryPolicy policy) {
    this.services = Objects.requireNonNull(services, "services");
    this.session = services.session();
    this.config = services.config();
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.exits = Objects.requireNonNull(exits, "exits");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sampler =
        new TimeSampler(
            config.scanInterval(), config.discontinuityDrift(), config.discontinuityGapFactor());
    this.decisionPolicy =
        new DecisionPolicy(
            config.activityWindow(),
            DecisionPolicy.DEFAULT_WAIT_MARKER_MAX_AGE,
            config.abandonedAfter(),
            DecisionPolicy.DEFAULT_RUNNER_STALENESS,
            config.leaseDuration(),
            DecisionPolicy.DEFAULT_LARGE_FORWARD_JUMP,
            DecisionPolicy.DEFAULT_PROPOSE_AFTER_LARGE_JUMP,
            services.localHost());
    this.logs =
        new LogEvidence(config.activityWindow(), config.logRedaction(), services.localHost());
  }

  /**
   * Sets where runner-exit callbacks run (the session's scheduler; the caller's thread by default).
   *
   * @param executor the executor
   */
  public void executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Sets where DIAGNOSE reports go ({@link ReportSink#none()} until set).
   *
   * @param sink the sink
   */
  public void reportSink(ReportSink sink) {
    this.reportSink = Objects.requireNonNull(sink, "sink");
  }

  /**
   * Binds the session's deadletter service, returned by {@link #deadletters()} (set once by the
   * engine).
   *
   * @param deadletters the session-bound service
   */
  public void bindDeadletters(dev.crewrecovery.core.Deadletters deadletters) {
    this.deadletters = Objects.requireNonNull(deadletters, "deadletters");
  }

  @Override
  public dev.crewrecovery.core.Deadletters deadletters() {
    dev.crewrecovery.core.Deadletters d = deadletters;
    if (d == null) {
      throw new IllegalStateException("no deadletter service is bound to this recovery loop");
    }
    return d;
  }

  /**
   * Runs one pass for the scheduler, logging instead of throwing.
   *
   * @return the delay to the next pass: the scan interval
   */
  public Duration runOnce() {
    return Loop.runGuarded("recovery loop", this::tick, config.scanInterval());
  }

  /**
   * Runs one scheduled tick: samples (wall, monotonic) time first; on a discontinuity (DESIGN
   * section 9) it opens the session's grace window, appends one {@code time.discontinuity} event to
   * each active run the pass sweeps that has none for this discontinuity yet (the watcher may have
   * seen it first), and makes the listener call unless another loop made it; then runs a pass. The
   * session remembers a forward wall step, so that repairs resting only on a 24 h rule are only
   * proposed for a while after a large one.
   *
   * @return the delay to the next tick: the scan interval
   */
  public Duration tick() {
    sampledPass(true);
    return config.scanInterval();
  }

  /**
   * Runs one pass for a host ({@code reconcileNow()}), after sampling time as a tick does but for
   * drift only: a wall step or a suspend since the last sample is a discontinuity (grace window,
   * events, listener call); the time between two host calls is not a gap, as the loop's own ticks
   * still measure that.
   *
   * @return the report
   * @throws IllegalStateException before the session started or after it closed
   */
  @Override
  public ReconcileReport reconcileNow() {
    requireRunning("reconcileNow()");
    return sampledPass(false);
  }

  private ReconcileReport sampledPass(boolean tick) {
    Instant now = services.clock().now();
    long mono = services.clock().monotonicNanos();
    Optional<Discontinuity> d;
    synchronized (this) {
      d = tick ? sampler.sample(now, mono) : sampler.sampleDrift(now, mono);
    }
    Session.Episode episode = null;
    if (d.isPresent() && session.isActive()) {
      episode = session.discontinuity(d.get(), now, mono);
    }
    ReconcileReport report = pass(d.orElse(null), episode);
    if (d.isPresent() && (episode == null || episode.announce())) {
      services.listener().onTimeDiscontinuity(d.get().drift(), d.get().gap());
    }
    return report;
  }

  private void requireRunning(String what) {
    Session.State state = session.state();
    if (state == Session.State.NEW || state == Session.State.CLOSED) {
      throw new IllegalStateException(
          "session "
              + session.id()
              + " is "
              + state
              + "; "
              + what
              + " needs a started, not closed, CrewRecovery");
    }
  }

  @Override
  public synchronized List<RecoveryPlan> plan() {
    requireRunning("plan()");
    Owner me = session.owner();
    List<RecoveryPlan> plans = new ArrayList<>();
    for (ActiveRun run : services.store().activeRuns()) {
      if (run.state() != ActiveRun.State.ACTIVE) {
        continue;
      }
      try {
        planRun(run.runId(), me).ifPresent(plans::add);
      } catch (CrewRecoveryException e) {
        LOG.log(Level.WARNING, "could not plan run " + run.runId(), e);
      }
    }
    return plans;
  }

  private Optional<RecoveryPlan> planRun(RunId runId, Owner me) {
    RunSnapshot s = services.store().load(runId).orElse(null);
    if (s == null || s.status().isTerminal()) {
      return Optional.empty();
    }
    Instant now = services.clock().now();
    boolean grace = session.inGrace(services.clock().monotonicNanos());
    Standing standing = standing(s.manifest(), me, now, grace);
    if (standing == Standing.LIVE_OWNER) {
      return Optional.empty();
    }
    Verdict v =
        Decider.decide(
            evidence(
                s, services.store().heartbeats(runId), gather(s), new ObservationTracker(), now),
            now,
            timeState(grace),
            decisionPolicy);
    RecoveryAction action = actionFor(v, s.manifest(), now);
    boolean fromPolicy = true;
    if (v.kind() == VerdictKind.ALIVE_BUT_STALE && action == RecoveryAction.NO_OP) {
      // The default policy reports such a run; the plan proposes KILL_STALE to the operator.
      action = RecoveryAction.KILL_STALE;
      fromPolicy = false;
    }
    List<TaskId> resumable = new ArrayList<>();
    List<TaskId> preserved = new ArrayList<>();
    for (TaskState t : s.tasks()) {
      boolean open = t.status() == TaskStatus.RUNNING || t.status() == TaskStatus.WAITING;
      (open && !t.hasCurrentResult() ? resumable : preserved).add(t.id());
    }
    List<RunEvent> events = services.store().events(runId, 0, Integer.MAX_VALUE);
    long lastSeq = events.isEmpty() ? 0 : events.get(events.size() - 1).seq();
    return Optional.of(
        new RecoveryPlan(
            runId, v.kind(), resumable, preserved, lastSeq, action, fromPolicy, false, v.why()));
  }

  @Override
  public synchronized ApplyResult apply(RecoveryPlan plan) {
    Objects.requireNonNull(plan, "plan");
    requireRunning("apply(plan)");
    Owner me = session.writer();
    RunId runId = plan.runId();
    RecoveryAction action = plan.action();
    RunSnapshot s = services.store().load(runId).orElse(null);
    if (s == null) {
      return new ApplyResult(runId, ApplyResult.Status.SKIPPED, null, action, "the run vanished");
    }
    Instant now = services.clock().now();
    boolean grace = session.inGrace(services.clock().monotonicNanos());
    Standing standing = standing(s.manifest(), me, now, grace);
    if (standing == Standing.LIVE_OWNER && !plan.forced()) {
      return new ApplyResult(
          runId,
          ApplyResult.Status.SKIPPED,
          null,
          action,
          "owned by " + s.manifest().owner() + ", whose lease is live; only a forced plan acts");
    }
    TimeState time = timeState(grace);
    Probes probes = gather(s);
    ObservationTracker observations =
        standing == Standing.OWNED ? tracker : new ObservationTracker();
    Map<TaskId, HeartbeatReading> slots = services.store().heartbeats(runId);
    Evidence evidence = evidence(s, slots, probes, observations, now);
    Verdict v = Decider.decide(evidence, now, time, decisionPolicy);
    if (v.kind() != plan.verdict()) {
      return new ApplyResult(
          runId, ApplyResult.Status.SKIPPED, v.kind(), action, "the verdict is now " + v.kind());
    }
    if (plan.fromPolicy() && actionFor(v, s.manifest(), now) != action) {
      return new ApplyResult(
          runId,
          ApplyResult.Status.SKIPPED,
          v.kind(),
          action,
          "the policy's action is now " + actionFor(v, s.manifest(), now));
    }
    switch (action) {
      case NO_OP -> {
        return new ApplyResult(
            runId, ApplyResult.Status.APPLIED, v.kind(), action, "nothing to write");
      }
      case DIAGNOSE -> {
        // Never changes the snapshot: the report is built from the evidence just gathered.
        DiagnosisReport report =
            diagnose(s, v, actionFor(v, s.manifest(), now), evidence, slots, probes, time, now);
        return new ApplyResult(
            runId,
            ApplyResult.Status.APPLIED,
            v.kind(),
            action,
            report.location() == null
                ? "report built; the session's report sink stored it nowhere"
                : "report written to " + report.location(),
            report);
      }
      case RETRY -> {
        return retry(s, standing, v, me, probes, observations, time);
      }
      case FAIL, FINALIZE, RESUME, KILL_STALE -> {
        boolean forced = standing == Standing.LIVE_OWNER;
        Standing acting = forced ? Standing.EXPIRED_OWNER : standing;
        RunReport r =
            write(s, acting, v, action, me, probes, observations, time, !plan.fromPolicy(), forced);
        boolean applied =
            r.outcome() == Outcome.REPAIRED
                || r.outcome() == Outcome.FINALIZED
                || r.outcome() == Outcome.RESUMED;
        return new ApplyResult(
            runId,
            applied ? ApplyResult.Status.APPLIED : ApplyResult.Status.SKIPPED,
            v.kind(),
            action,
            r.detail());
      }
    }
    throw new AssertionError(action);
  }

  /**
   * Runs one pass over the store's active runs.
   *
   * @return the report of every run listed (empty when the session may not write)
   */
  public ReconcileReport pass() {
    return pass(null, null);
  }

  private synchronized ReconcileReport pass(
      @Nullable Discontinuity discontinuity, Session.@Nullable Episode episode) {
    passes++;
    Instant at = services.clock().now();
    Owner me;
    try {
      me = session.writer();
    } catch (LeaseLostException | IllegalStateException e) {
      return new ReconcileReport(at, List.of());
    }
    List<ActiveRun> listed;
    try {
      listed = services.store().activeRuns();
    } catch (CrewRecoveryException e) {
      LOG.log(Level.WARNING, "recovery pass could not list the active runs", e);
      return new ReconcileReport(at, List.of());
    }
    List<RunReport> reports = new ArrayList<>(listed.size());
    for (ActiveRun run : listed) {
      if (run.state() == ActiveRun.State.ORPHANED_MARKER) {
        reports.add(
            new RunReport(
                run.runId(),
                null,
                null,
                Outcome.ORPHANED_MARKER,
                "the active marker names a missing or quarantined snapshot; an operator must"
                    + " resolve it"));
        continue;
      }
      if (discontinuity != null && (episode == null || episode.firstFor(run.runId()))) {
        try {
          services
              .store()
              .appendEvents(
                  run.runId(),
                  List.of(
                      Events.data()
                          .put("drift", discontinuity.drift())
                          .put("gap", discontinuity.gap())
                          .put("by", RunRepair.BY_RECOVERY)
                          .event(Events.TIME_DISCONTINUITY, at)));
        } catch (CrewRecoveryException e) {
          if (episode != null) {
            episode.release(run.runId());
          }
          LOG.log(Level.WARNING, "could not record the discontinuity in run " + run.runId(), e);
        }
      }
      reports.add(guardedVisit(run.runId(), me));
    }
    futures.collect(services.clock().monotonicNanos());
    return new ReconcileReport(at, reports);
  }

  /**
   * Reconciles one run at once (a watched runner exited).
   *
   * @param runId the run
   * @return its report, or empty when the session may not write
   */
  public synchronized Optional<RunReport> reconcileRun(RunId runId) {
    Owner me;
    try {
      me = session.writer();
    } catch (LeaseLostException | IllegalStateException e) {
      return Optional.empty();
    }
    return Optional.of(guardedVisit(runId, me));
  }

  private RunReport guardedVisit(RunId runId, Owner me) {
    try {
      return visit(runId, me);
    } catch (CrewRecoveryException e) {
      LOG.log(Level.WARNING, "recovery of run " + runId + " failed; the pass goes on", e);
      return new RunReport(
          runId, null, null, Outcome.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "recovery of run " + runId + " failed unexpectedly", e);
      return new RunReport(
          runId, null, null, Outcome.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Returns how many passes ran (for tests and diagnostics). */
  public synchronized long passes() {
    return passes;
  }

  /** Ends every runner watch. */
  public void cancelAll() {
    for (RunId id : new ArrayList<>(runnerWatches.keySet())) {
      CompletableFuture<ProcessExit> f = runnerWatches.remove(id);
      if (f != null) {
        f.cancel(false);
      }
    }
  }

  /** Returns how many runners are watched (for tests and diagnostics). */
  public int watchedRunners() {
    return runnerWatches.size();
  }

  // ------------------------------------------------------------------------------ one run

  private RunReport visit(RunId runId, Owner me) {
    Optional<RunSnapshot> loaded = services.store().load(runId);
    if (loaded.isEmpty()) {
      return new RunReport(runId, null, null, Outcome.CHANGED, "the run vanished");
    }
    RunSnapshot listed = loaded.get();
    Manifest m = listed.manifest();
    if (m.status().isTerminal()) {
      forgetRun(runId);
      return new RunReport(
          runId, VerdictKind.TERMINAL, null, Outcome.NOTHING_TO_DO, "the run is terminal");
    }
    Instant now = services.clock().now();
    boolean grace = session.inGrace(services.clock().monotonicNanos());
    Standing standing = standing(m, me, now, grace);
    if (standing == Standing.LIVE_OWNER) {
      return new RunReport(
          runId,
          null,
          null,
          Outcome.LIVE_OWNER,
          "owned by " + m.owner() + ", whose lease is live; not touched");
    }
    if (standing == Standing.OWNED) {
      Optional<Long> known = session.knownEpoch(runId);
      if (known.isPresent() && known.get() != m.epoch()) {
        return new RunReport(
            runId, null, null, Outcome.CHANGED, "the epoch moved since this session wrote it");
      }
      watchRunner(listed);
    }
    TimeState time = timeState(grace);
    Probes probes = gather(listed);
    ObservationTracker observations =
        standing == Standing.OWNED ? tracker : new ObservationTracker();
    Map<TaskId, HeartbeatReading> slots = services.store().heartbeats(runId);
    Evidence evidence = evidence(listed, slots, probes, observations, now);
    Verdict verdict = Decider.decide(evidence, now, time, decisionPolicy);
    boolean newVerdict = noteVerdict(runId, verdict, now);
    RecoveryAction action = actionFor(verdict, m, now);
    RunReport report =
        switch (standing) {
          case OWNED -> ownerSide(listed, verdict, action, me, probes, observations, time);
          case OWNERLESS, OWN_OLDER, EXPIRED_OWNER ->
              recover(listed, standing, verdict, action, me, probes, observations, time);
          case LIVE_OWNER -> throw new AssertionError("handled above");
        };
    if (newVerdict
        && action == RecoveryAction.DIAGNOSE
        && report.outcome() == Outcome.REPORTED
        && report.report() == null) {
      // The policy asks for a report: built once per verdict (with its run.verdict event), not at
      // every pass, so an idle run does not fill the report sink.
      try {
        DiagnosisReport d = diagnose(listed, verdict, action, evidence, slots, probes, time, now);
        String where = d.location() == null ? "report built" : "report written to " + d.location();
        return new RunReport(
            runId,
            report.verdict(),
            report.action(),
            report.outcome(),
            report.detail() + "; " + where,
            d);
      } catch (CrewRecoveryException e) {
        LOG.log(Level.WARNING, "could not store the DIAGNOSE report of run " + runId, e);
      }
    }
    return report;
  }

  /**
   * Builds a DIAGNOSE report from evidence gathered outside any exclusion and hands it to the
   * report sink. Reads the run's events, the leases of its owner and vouching sessions and, when
   * the store can list them, its deadletter entries; writes nothing to the store.
   *
   * @throws CrewRecoveryException when the sink cannot store the report
   */
  private DiagnosisReport diagnose(
      RunSnapshot s,
      Verdict verdict,
      @Nullable RecoveryAction policyAction,
      Evidence evidence,
      Map<TaskId, HeartbeatReading> slots,
      Probes probes,
      TimeState time,
      Instant now) {
    RunId runId = s.runId();
    long mono = services.clock().monotonicNanos();
    List<RunEvent> events = services.store().events(runId, 0, Integer.MAX_VALUE);
    Map<SessionId, Lease> leases = new HashMap<>(probes.leases());
    Owner owner = s.manifest().owner();
    if (owner != null) {
      lease(owner.session(), leases);
    }
    List<StoredDeadletter> deadletters = null;
    String deadlettersError = null;
    try {
      deadletters = services.store().deadletters(DeadletterFilter.ofRun(runId));
    } catch (CrewRecoveryException | UnsupportedOperationException e) {
      deadlettersError = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    String json =
        Diagnosis.render(
            new Diagnosis.Inputs(
                s,
                verdict,
                policyAction,
                session.owner(),
                now,
                mono,
                time,
                decisionPolicy,
                slots,
                evidence.observations(),
                probes.workers(),
                probes.runner(),
                leases,
                events,
                deadletters,
                deadlettersError));
    String location = reportSink.write(runId, now, json);
    return new DiagnosisReport(runId, now, json, location);
  }

  /** The time state of a decision: the grace window, and the last forward step this loop saw. */
  private TimeState timeState(boolean grace) {
    TimeState t = grace ? TimeState.inGraceWindow() : TimeState.calm();
    return session
        .lastForwardJump()
        .map(j -> t.withForwardJump(j.getKey(), j.getValue()))
        .orElse(t);
  }

  private Standing standing(Manifest m, Owner me, Instant now, boolean grace) {
    Owner owner = m.owner();
    if (owner == null) {
      return Standing.OWNERLESS;
    }
    if (owner.equals(me)) {
      return Standing.OWNED;
    }
    if (owner.session().equals(me.session())) {
      // A newer incarnation of this session id holds the run: this one is the stale party.
      return owner.incarnation() < me.incarnation() ? Standing.OWN_OLDER : Standing.LIVE_OWNER;
    }
    Lease lease = services.store().lease(owner.session()).orElse(null);
    return leaseLive(lease, owner, now, grace) ? Standing.LIVE_OWNER : Standing.EXPIRED_OWNER;
  }

  /**
   * Inside an update of a run listed with an expired owner: says why the run must be left alone
   * when that owner renewed its lease since the listing, else null.
   */
  private @Nullable String renewedMeanwhile(Standing standing, @Nullable Owner owner, Instant now) {
    if (standing != Standing.EXPIRED_OWNER || owner == null) {
      return null;
    }
    Lease lease = services.store().lease(owner.session()).orElse(null);
    boolean grace = session.inGrace(services.clock().monotonicNanos());
    return leaseLive(lease, owner, now, grace)
        ? "the owner " + owner + " renewed its lease meanwhile"
        : null;
  }

  /**
   * Whether the owner's lease is live: it names the owner's incarnation, is not released, and is
   * not expired; inside a grace window a lease's age is not judged (DESIGN section 9).
   */
  private boolean leaseLive(@Nullable Lease lease, Owner owner, Instant now, boolean grace) {
    if (lease == null || lease.incarnation() != owner.incarnation() || lease.released()) {
      return false;
    }
    if (grace) {
      return true;
    }
    Lease judged = futures.aged(lease, now, services.clock().monotonicNanos());
    return !judged.isExpiredAt(now, config.leaseDuration());
  }

  private RecoveryAction actionFor(Verdict verdict, Manifest m, Instant now) {
    boolean aliveOrUnknown =
        !verdict.aliveWorkers().isEmpty() || !verdict.unknownWorkers().isEmpty();
    RecoveryAction a =
        policy.action(
            new RecoveryPolicy.Situation(
                verdict.kind(), aliveOrUnknown, resumeBudgetAllows(m, now)));
    if (a == null) {
      throw new IllegalStateException("the recovery policy returned null for " + verdict.kind());
    }
    return a;
  }

  /** Whether a FAIL replaces the RESUME the policy would choose but for the crash-loop budget. */
  private boolean crashLoop(Verdict verdict, Manifest m, Instant now) {
    if (resumeBudgetAllows(m, now)) {
      return false;
    }
    boolean aliveOrUnknown =
        !verdict.aliveWorkers().isEmpty() || !verdict.unknownWorkers().isEmpty();
    return policy.action(new RecoveryPolicy.Situation(verdict.kind(), aliveOrUnknown, true))
        == RecoveryAction.RESUME;
  }

  private boolean resumeBudgetAllows(Manifest m, Instant now) {
    int inside = 0;
    for (ResumeRecord r : m.resumeHistory()) {
      // An entry in the future counts as inside the window.
      if (Duration.between(r.instant(), now).compareTo(config.crashLoopWindow()) <= 0) {
        inside++;
      }
    }
    return inside < config.crashLoopMaxResumes();
  }

  /** The owner-side rules of DESIGN section 7 ("Owned runs"). */
  private RunReport ownerSide(
      RunSnapshot listed,
      Verdict verdict,
      RecoveryAction action,
      Owner me,
      Probes probes,
      ObservationTracker observations,
      TimeState time) {
    RunId runId = listed.runId();
    if (verdict.rule() == Rule.RUNNER_DEAD) {
      if (action == RecoveryAction.FAIL || action == RecoveryAction.RESUME) {
        return write(listed, Standing.OWNED, verdict, action, me, probes, observations, time);
      }
      return reported(runId, verdict, action);
    }
    if (verdict.kind() == VerdictKind.RESULT_EXISTS
        && allTerminal(listed)
        && verdict.manifestAge().compareTo(config.scanInterval()) > 0) {
      return write(
          listed, Standing.OWNED, verdict, RecoveryAction.FINALIZE, me, probes, observations, time);
    }
    VerdictKind k = verdict.kind();
    if (k == VerdictKind.STALE_NO_PROCESS
        || k == VerdictKind.ABANDONED
        || k == VerdictKind.ALIVE_BUT_STALE
        || k == VerdictKind.RESULT_READY_BLOCKED) {
      return new RunReport(
          runId,
          k,
          action,
          Outcome.REPORTED,
          "owned by this session: reported, not applied; " + verdict.why());
    }
    return new RunReport(runId, k, null, Outcome.NOTHING_TO_DO, verdict.why());
  }

  /** What the loop does with a run it may act on (ownerless, expired owner, older incarnation). */
  private RunReport recover(
      RunSnapshot listed,
      Standing standing,
      Verdict verdict,
      RecoveryAction action,
      Owner me,
      Probes probes,
      ObservationTracker observations,
      TimeState time) {
    RunId runId = listed.runId();
    switch (verdict.repair()) {
      case REPAIR, FINALIZE -> {
        if (action == RecoveryAction.FAIL
            || action == RecoveryAction.FINALIZE
            || action == RecoveryAction.RESUME
            || (action == RecoveryAction.KILL_STALE
                && verdict.kind() == VerdictKind.ALIVE_BUT_STALE)) {
          return write(listed, standing, verdict, action, me, probes, observations, time);
        }
        if (action == RecoveryAction.NO_OP) {
          return standing == Standing.OWN_OLDER
              ? write(listed, standing, verdict, null, me, probes, observations, time)
              : new RunReport(runId, verdict.kind(), action, Outcome.REPORTED, verdict.why());
        }
        return reported(runId, verdict, action);
      }
      case TASK_REPAIR -> {
        return write(
            listed, standing, verdict, RecoveryAction.FAIL, me, probes, observations, time);
      }
      case PROPOSE_REPAIR -> {
        return new RunReport(
            runId,
            verdict.kind(),
            action,
            Outcome.REPORTED,
            "proposed only (within 24 h after a large forward time step); " + verdict.why());
      }
      case PROPOSE_DIAGNOSE, NONE -> {
        if (standing == Standing.OWN_OLDER) {
          return write(listed, standing, verdict, null, me, probes, observations, time);
        }
        return verdict.repair() == Repair.PROPOSE_DIAGNOSE
            ? reported(runId, verdict, action)
            : new RunReport(runId, verdict.kind(), null, Outcome.NOTHING_TO_DO, verdict.why());
      }
    }
    throw new AssertionError(verdict.repair());
  }

  private static RunReport reported(RunId runId, Verdict verdict, RecoveryAction action) {
    String note =
        switch (action) {
          case DIAGNOSE -> "DIAGNOSE proposed; nothing written";
          case KILL_STALE, RETRY, RESUME, FAIL, FINALIZE ->
              action
                  + " is not applied automatically for verdict "
                  + verdict.kind()
                  + "; nothing written";
          default -> action + "; nothing written";
        };
    return new RunReport(
        runId, verdict.kind(), action, Outcome.REPORTED, note + "; " + verdict.why());
  }

  /**
   * An operator's RETRY (DESIGN section 8), inside the run's update: re-checks that nobody took the
   * run over and, for a run whose owner's lease had expired, that the owner did not renew it; then
   * re-decides on the fresh snapshot, the heartbeat slots read there and the same keyed probes, and
   * writes nothing when the verdict moved. Requeued tasks wait QUEUED: the ledger starts no new
   * attempt while the previous attempt's worker probes ALIVE or UNKNOWN.
   */
  private ApplyResult retry(
      RunSnapshot listed,
      Standing standing,
      Verdict verdict,
      Owner me,
      Probes probes,
      ObservationTracker observations,
      TimeState time) {
    RunId runId = listed.runId();
    Manifest before = listed.manifest();
    boolean forced = standing == Standing.LIVE_OWNER;
    AtomicReference<@Nullable String> changed = new AtomicReference<>();
    UpdateResult r;
    try {
      r =
          services
              .store()
              .update(
                  runId,
                  (current, slots) -> {
                    changed.set(null);
                    Manifest fm = current.manifest();
                    if (!Objects.equals(fm.owner(), before.owner())
                        || fm.epoch() != before.epoch()
                        || fm.status() != before.status()) {
                      changed.set(
                          "the run changed meanwhile (owner "
                              + fm.owner()
                              + ", epoch "
                              + fm.epoch()
                              + ", "
                              + fm.status()
                              + ")");
                      return Update.unchanged();
                    }
                    Instant now = services.clock().now();
                    String renewed = renewedMeanwhile(standing, fm.owner(), now);
                    if (renewed != null) {
                      changed.set(renewed);
                      return Update.unchanged();
                    }
                    Verdict fresh =
                        Decider.decide(
                            evidence(current, slots, probes, observations, now),
                            now,
                            time,
                            decisionPolicy);
                    if (fresh.kind() != verdict.kind()) {
                      changed.set("the verdict moved to " + fresh.kind() + ": " + fresh.why());
                      return Update.unchanged();
                    }
                    RunRepair.Result result = RunRepair.retry(current, fresh, me, now);
                    if (result == null) {
                      changed.set("no FAILED or CANCELLED task to retry");
                      return Update.unchanged();
                    }
                    if (forced) {
                      result = RunRepair.marked(result, "forced", "true");
                    }
                    return Update.commit(result.next(), List.of(result.event()));
                  });
    } catch (RunNotFoundException e) {
      return new ApplyResult(
          runId,
          ApplyResult.Status.SKIPPED,
          verdict.kind(),
          RecoveryAction.RETRY,
          "the run vanished");
    }
    if (!r.committed()) {
      String why = changed.get();
      return new ApplyResult(
          runId,
          ApplyResult.Status.SKIPPED,
          verdict.kind(),
          RecoveryAction.RETRY,
          why == null ? "nothing to write" : why);
    }
    Manifest m = r.snapshot().manifest();
    session.own(runId, m.epoch());
    forgetVerdict(runId);
    exits.reconcile(r.snapshot());
    services.deliveries().runAdopted(runId, before.owner(), m.owner());
    watchRunner(r.snapshot());
    services.listener().onRunReconciled(runId, verdict.kind(), RecoveryAction.RETRY, m.status());
    return new ApplyResult(
        runId,
        ApplyResult.Status.APPLIED,
        verdict.kind(),
        RecoveryAction.RETRY,
        "retried at epoch " + m.epoch() + ", run " + m.status());
  }

  // ------------------------------------------------------------------------------ the write

  /** What the update decided, read after it returns. */
  private static final class Decision {
    @Nullable String changed;
    @Nullable Verdict fresh;
    @Nullable Owner previousOwner;
    Map<TaskId, ProcessRef> orphans = Map.of();
    Map<TaskId, ProcessRef> unknown = Map.of();
    boolean crashLoop;
    boolean taskLevel;
    @Nullable ProcessRef runner;
    List<DeadletterEntry> deadletters = new ArrayList<>();
  }

  /**
   * Applies a repair ({@code action} FAIL or FINALIZE; FAIL with a TASK_REPAIR verdict is
   * task-level repair) or, with a null action, an adoption, inside the run's exclusive update.
   */
  private RunReport write(
      RunSnapshot listed,
      Standing standing,
      Verdict verdict,
      @Nullable RecoveryAction action,
      Owner me,
      Probes probes,
      ObservationTracker observations,
      TimeState time) {
    return write(listed, standing, verdict, action, me, probes, observations, time, false, false);
  }

  /**
   * As above; {@code operator}: the action is an operator's (no policy re-check, FAIL is run-level
   * whatever the verdict); {@code forced}: the owner's live lease is not checked and the event says
   * so.
   */
  private RunReport write(
      RunSnapshot listed,
      Standing standing,
      Verdict verdict,
      @Nullable RecoveryAction action,
      Owner me,
      Probes probes,
      ObservationTracker observations,
      TimeState time,
      boolean operator,
      boolean forced) {
    RunId runId = listed.runId();
    Manifest before = listed.manifest();
    Decision d = new Decision();
    AtomicReference<RunRepair.@Nullable Result> planned = new AtomicReference<>();
    UpdateResult r;
    try {
      r =
          services
              .store()
              .update(
                  runId,
                  (current, slots) -> {
                    d.changed = null;
                    d.crashLoop = false;
                    d.deadletters = new ArrayList<>();
                    planned.set(null);
                    Manifest fm = current.manifest();
                    if (fm.status().isTerminal()) {
                      d.changed = "the run finished meanwhile (" + fm.status() + ")";
                      return Update.unchanged();
                    }
                    if (!Objects.equals(fm.owner(), before.owner())
                        || fm.epoch() != before.epoch()) {
                      d.changed =
                          "the run was taken over meanwhile (owner "
                              + fm.owner()
                              + ", epoch "
                              + fm.epoch()
                              + ")";
                      return Update.unchanged();
                    }
                    Instant now = services.clock().now();
                    String renewed = forced ? null : renewedMeanwhile(standing, fm.owner(), now);
                    if (renewed != null) {
                      d.changed = renewed;
                      return Update.unchanged();
                    }
                    Verdict fresh =
                        Decider.decide(
                            evidence(current, slots, probes, observations, now),
                            now,
                            time,
                            decisionPolicy);
                    d.fresh = fresh;
                    if (fresh.kind() != verdict.kind() || fresh.repair() != verdict.repair()) {
                      d.changed = "the verdict moved to " + fresh.kind() + ": " + fresh.why();
                      return Update.unchanged();
                    }
                    if (action != null
                        && !operator
                        && verdict.repair() != Repair.TASK_REPAIR
                        && actionFor(fresh, fm, now) != action) {
                      d.changed = "the policy's action moved";
                      return Update.unchanged();
                    }
                    if (standing == Standing.OWNED
                        && action == RecoveryAction.FINALIZE
                        && !(allTerminal(current)
                            && fresh.manifestAge().compareTo(config.scanInterval()) > 0)) {
                      d.changed = "the owner wrote the run meanwhile";
                      return Update.unchanged();
                    }
                    d.previousOwner = fm.owner();
                    d.taskLevel = !operator && fresh.repair() == Repair.TASK_REPAIR;
                    RunRepair.Result result = plan(current, standing, fresh, action, me, now, d);
                    if (result == null) {
                      d.changed = "no RUNNING task left to repair";
                      return Update.unchanged();
                    }
                    result = LogTails.attach(result, current, fresh, probes.logs());
                    if (forced) {
                      result = RunRepair.marked(result, "forced", "true");
                    }
                    planned.set(result);
                    return Update.commit(result.next(), List.of(result.event()), d.deadletters);
                  });
    } catch (RunNotFoundException e) {
      return new RunReport(runId, verdict.kind(), action, Outcome.CHANGED, "the run vanished");
    }
    RunRepair.Result done = planned.get();
    if (!r.committed() || done == null) {
      String why = d.changed != null ? d.changed : "nothing to write";
      return new RunReport(runId, verdict.kind(), action, Outcome.CHANGED, why);
    }
    return afterCommit(r.snapshot(), verdict, action, d);
  }

  private RunRepair.@Nullable Result plan(
      RunSnapshot current,
      Standing standing,
      Verdict fresh,
      @Nullable RecoveryAction action,
      Owner me,
      Instant now,
      Decision d) {
    Manifest fm = current.manifest();
    if (action == null) {
      return RunRepair.adopt(current, fresh, me, now);
    }
    // Fencing: a repair of a run another session (or an older incarnation) owned clears the owner
    // and bumps the epoch, so the previous owner's late writes fail; the owner's own repair and a
    // repair of an ownerless run keep both.
    Owner owner = standing == Standing.OWNED ? fm.owner() : null;
    long epoch = standing == Standing.OWNED || fm.owner() == null ? fm.epoch() : fm.epoch() + 1;
    if (d.taskLevel) {
      return RunRepair.repairTasks(current, fresh, now, owner, epoch);
    }
    if (action == RecoveryAction.RESUME) {
      return RunRepair.resume(current, fresh, me, now);
    }
    Map<TaskId, ProcessRef> orphans;
    if (action == RecoveryAction.KILL_STALE) {
      // Opt-in: every worker that still lives is terminated after the commit, and the runner.
      orphans = fresh.aliveWorkers();
      d.runner = fm.runner();
    } else {
      orphans = action == RecoveryAction.FAIL ? fresh.orphans() : Map.of();
    }
    d.orphans = orphans;
    d.unknown = action == RecoveryAction.FINALIZE ? Map.of() : fresh.unknownWorkers();
    RunRepair.Result repaired =
        RunRepair.repair(current, fresh, action, now, owner, epoch, orphans);
    ProcessRef runner = d.runner;
    if (runner != null) {
      // KILL_STALE lists the runner it will terminate after the commit in the run.reconciled event.
      repaired = RunRepair.marked(repaired, "runner", runner.pid() + "@" + runner.host());
    }
    if (action == RecoveryAction.FAIL && crashLoop(fresh, fm, now)) {
      // The policy would resume but the budget is spent: FAIL, marked, with one run-level entry.
      d.crashLoop = true;
      d.deadletters.add(
          DeadletterEntry.forRun(
              current.runId(),
              epoch,
              DeadletterReason.CRASH_LOOP,
              "resumed "
                  + config.crashLoopMaxResumes()
                  + " times within "
                  + config.crashLoopWindow()
                  + "; "
                  + fresh.kind(),
              now));
      return RunRepair.crashLoop(repaired);
    }
    return repaired;
  }

  private RunReport afterCommit(
      RunSnapshot committed, Verdict verdict, @Nullable RecoveryAction action, Decision d) {
    RunId runId = committed.runId();
    Manifest m = committed.manifest();
    Owner me = session.owner();
    exits.reconcile(committed);
    services.deliveries().runAdopted(runId, d.previousOwner, m.owner());
    if (m.status().isTerminal()) {
      forgetRun(runId);
      forgetVerdict(runId);
      Instant at = m.updatedAt();
      services.deliveries().runTerminated(runId, m.status(), m.owner(), m.epoch(), at);
    } else if (me.equals(m.owner())) {
      session.own(runId, m.epoch());
    } else {
      session.forget(runId);
    }
    if (action == null) {
      // Adopted: watch the runner and the workers of the run's unfinished attempts.
      for (TaskState task : committed.tasks()) {
        if (task.status() != TaskStatus.RUNNING && task.status() != TaskStatus.WAITING) {
          continue;
        }
        Attempt current = task.currentAttempt().orElse(null);
        if (current != null && current.worker() != null) {
          exits.register(current.id(), current.worker());
        }
      }
      watchRunner(committed);
      Owner previous = d.previousOwner;
      if (previous != null) {
        services.listener().onRunAdopted(runId, previous, m.epoch());
      }
      return new RunReport(
          runId,
          verdict.kind(),
          null,
          Outcome.ADOPTED,
          "adopted from " + previous + " at epoch " + m.epoch());
    }
    terminateOrphans(runId, d.orphans, d.unknown, d.runner);
    for (DeadletterEntry e : d.deadletters) {
      services.listener().onDeadletter(e);
    }
    services.listener().onRunReconciled(runId, verdict.kind(), action, m.status());
    Verdict fresh = d.fresh;
    String why = fresh == null ? verdict.why() : fresh.why();
    if (action == RecoveryAction.RESUME) {
      return new RunReport(
          runId,
          verdict.kind(),
          action,
          Outcome.RESUMED,
          "resumed at epoch " + m.epoch() + ", run " + m.status() + "; " + why);
    }
    if (d.crashLoop) {
      return new RunReport(
          runId,
          verdict.kind(),
          action,
          Outcome.REPAIRED,
          "CRASH_LOOP: the resume budget is spent; run " + m.status() + "; " + why);
    }
    if (d.taskLevel) {
      return new RunReport(
          runId, verdict.kind(), action, Outcome.REPAIRED, "task-level repair; " + why);
    }
    return new RunReport(
        runId,
        verdict.kind(),
        action,
        action == RecoveryAction.FINALIZE ? Outcome.FINALIZED : Outcome.REPAIRED,
        "run " + m.status() + "; " + why);
  }

  /**
   * After a repair on process evidence: terminates the workers that still probe ALIVE (the probe
   * re-checks identity before each signal) and reports UNKNOWN ones; one event lists what was done.
   */
  private void terminateOrphans(
      RunId runId,
      Map<TaskId, ProcessRef> orphans,
      Map<TaskId, ProcessRef> unknown,
      @Nullable ProcessRef runner) {
    if (orphans.isEmpty() && unknown.isEmpty() && runner == null) {
      return;
    }
    Events.Data data = Events.data().put("by", RunRepair.BY_RECOVERY);
    if (runner != null) {
      Liveness liveness = services.probe().probe(runner);
      String who = runner.pid() + "@" + runner.host();
      if (liveness == Liveness.ALIVE) {
        TerminationOutcome outcome;
        try {
          outcome = services.probe().terminate(runner, config.terminateGrace());
        } catch (RuntimeException ex) {
          LOG.log(Level.WARNING, "terminating the runner of run " + runId + " failed", ex);
          outcome = TerminationOutcome.FAILED;
        }
        data.put("runner", who + " ALIVE " + outcome);
      } else {
        data.put(
            "runner", who + " " + liveness + (liveness == Liveness.UNKNOWN ? " reported" : ""));
      }
    }
    List<Runnable> calls = new ArrayList<>();
    Map<TaskId, ProcessRef> all = new HashMap<>(unknown);
    all.putAll(orphans);
    for (Map.Entry<TaskId, ProcessRef> e : all.entrySet()) {
      TaskId task = e.getKey();
      ProcessRef ref = e.getValue();
      Liveness liveness;
      try {
        liveness = services.probe().probe(ref);
      } catch (RuntimeException ex) {
        LOG.log(Level.WARNING, "probe of orphan worker of task " + task + " failed", ex);
        continue;
      }
      String who = ref.pid() + "@" + ref.host();
      AttemptId attempt = attemptOf(runId, task);
      if (liveness == Liveness.ALIVE && orphans.containsKey(task)) {
        TerminationOutcome outcome;
        try {
          outcome = services.probe().terminate(ref, config.terminateGrace());
        } catch (RuntimeException ex) {
          LOG.log(Level.WARNING, "terminating orphan worker of task " + task + " failed", ex);
          outcome = TerminationOutcome.FAILED;
        }
        data.put(task.toString(), who + " ALIVE " + outcome);
        if (attempt != null) {
          TerminationOutcome o = outcome;
          calls.add(() -> services.listener().onWorkerTermination(attempt, ref, liveness, o));
        }
      } else if (liveness == Liveness.UNKNOWN || liveness == Liveness.ALIVE) {
        data.put(task.toString(), who + " " + liveness + " reported");
        if (attempt != null) {
          calls.add(() -> services.listener().onWorkerTermination(attempt, ref, liveness, null));
        }
      }
    }
    try {
      services
          .store()
          .appendEvents(
              runId, List.of(data.event(RunRepair.RUN_WORKERS_TERMINATED, services.clock().now())));
    } catch (CrewRecoveryException e) {
      LOG.log(Level.WARNING, "could not append the orphan report of run " + runId, e);
    }
    calls.forEach(Runnable::run);
  }

  private @Nullable AttemptId attemptOf(RunId runId, TaskId task) {
    try {
      return services
          .store()
          .load(runId)
          .flatMap(s -> s.task(task))
          .flatMap(TaskState::lastAttempt)
          .map(Attempt::id)
          .orElse(null);
    } catch (CrewRecoveryException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------------------ evidence

  private Probes gather(RunSnapshot s) {
    Map<AttemptId, Map.Entry<ProcessRef, Liveness>> workers = new HashMap<>();
    Map<SessionId, Lease> leases = new HashMap<>();
    for (TaskState task : s.tasks()) {
      if (task.status() != TaskStatus.RUNNING && task.status() != TaskStatus.WAITING) {
        continue;
      }
      Attempt current = task.currentAttempt().orElse(null);
      if (current == null || current.worker() == null) {
        continue;
      }
      ProcessRef ref = current.worker();
      workers.put(current.id(), Map.entry(ref, services.probe().probe(ref)));
      lease(current.vouchedBy(), leases);
    }
    Manifest m = s.manifest();
    Liveness runner = null;
    if (m.runner() != null) {
      runner = services.probe().probe(m.runner());
      lease(m.runnerVouchedBy(), leases);
    }
    // Logs are read here too, outside the exclusion, keyed like the probes they depend on.
    LogEvidence.Gathered logged = logs.gather(s, workers, runner, services.clock().now());
    return new Probes(workers, runner, m.epoch(), leases, logged);
  }

  private void lease(@Nullable SessionId session, Map<SessionId, Lease> leases) {
    if (session != null && !leases.containsKey(session)) {
      services.store().lease(session).ifPresent(l -> leases.put(session, l));
    }
  }

  private Evidence evidence(
      RunSnapshot s,
      Map<TaskId, HeartbeatReading> slots,
      Probes probes,
      ObservationTracker observations,
      Instant now) {
    // Timestamps in the future count as seen at the read that first found them there and age from
    // it in monotonic time (DESIGN section 9): the decision judges their effective instants.
    long mono = services.clock().monotonicNanos();
    RunSnapshot judged = futures.aged(s, now, mono);
    Evidence.Builder b = Evidence.builder(judged);
    for (TaskState task : judged.tasks()) {
      if (task.status() != TaskStatus.RUNNING && task.status() != TaskStatus.WAITING) {
        continue;
      }
      observations
          .observe(s.runId(), task, futures.aged(slots.get(task.id()), now, mono), now)
          .ifPresent(o -> b.observation(futures.aged(o.toTaskObservation(), now, mono)));
    }
    probes.workers().forEach((attempt, e) -> b.workerProbe(attempt, e.getKey(), e.getValue()));
    ProcessRef runner = s.manifest().runner();
    if (runner != null && probes.runner() != null) {
      // Keyed by the epoch of the listing: a probe made before an adoption never decides.
      b.runnerProbe(runner, probes.runnerEpoch(), probes.runner());
    }
    probes.leases().values().forEach(l -> b.lease(futures.aged(l, now, mono)));
    probes.logs().addTo(b, s);
    return b.build();
  }

  /** Records a verdict that differs from the last one recorded; returns whether it differed. */
  private boolean noteVerdict(RunId runId, Verdict verdict, Instant now) {
    if (seeded.add(runId) && !lastVerdict.containsKey(runId)) {
      // DESIGN section 13: the last verdict recorded for a run is the one in its latest
      // run.verdict event, so a restarted session does not repeat it.
      VerdictKind recorded = recordedVerdict(runId);
      if (recorded != null) {
        lastVerdict.putIfAbsent(runId, recorded);
      }
    }
    VerdictKind previous = lastVerdict.put(runId, verdict.kind());
    if (previous == verdict.kind()) {
      return false;
    }
    NewEvent event =
        Events.data()
            .put("verdict", verdict.kind())
            .put("previous", previous)
            .put("rule", verdict.rule())
            .put("deferring", verdict.deferredKind())
            .put("why", verdict.why())
            .put("session", session.owner())
            .event(RunRepair.RUN_VERDICT, now);
    try {
      services.store().appendEvents(runId, List.of(event));
    } catch (CrewRecoveryException e) {
      // Not recorded: the next pass re-reads the log and tries again.
      forgetVerdict(runId);
      throw e;
    }
    services.listener().onVerdictChanged(runId, verdict.kind(), verdict.why());
    return true;
  }

  /** Returns the verdict of the run's latest {@code run.verdict} event, or null when none. */
  private @Nullable VerdictKind recordedVerdict(RunId runId) {
    List<RunEvent> events = services.store().events(runId, 0, Integer.MAX_VALUE);
    for (int i = events.size() - 1; i >= 0; i--) {
      RunEvent e = events.get(i);
      if (!RunRepair.RUN_VERDICT.equals(e.type())) {
        continue;
      }
      String kind = e.data().get("verdict");
      try {
        return kind == null ? null : VerdictKind.valueOf(kind);
      } catch (IllegalArgumentException unknown) {
        // Written by a newer version: no verdict this one knows is recorded.
        return null;
      }
    }
    return null;
  }

  private void forgetVerdict(RunId runId) {
    lastVerdict.remove(runId);
    seeded.remove(runId);
  }

  private static boolean allTerminal(RunSnapshot s) {
    if (s.tasks().isEmpty()) {
      return false;
    }
    for (TaskState t : s.tasks()) {
      if (!t.status().isTerminal()) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------ runner watches

  private void watchRunner(RunSnapshot s) {
    RunId runId = s.runId();
    ProcessRef runner = s.manifest().runner();
    if (runner == null || runnerWatches.containsKey(runId)) {
      return;
    }
    CompletableFuture<ProcessExit> exit;
    try {
      exit = services.probe().onExit(runner);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot watch the exit of the runner of run " + runId, e);
      return;
    }
    if (exit.isDone()) {
      // Already gone: the pass that is looking at the run judges it by its probe.
      exit.cancel(false);
      return;
    }
    runnerWatches.put(runId, exit);
    try {
      CompletableFuture<ProcessExit> unused =
          exit.whenCompleteAsync(
              (e, error) -> {
                if (runnerWatches.remove(runId, exit) && error == null) {
                  Optional<RunReport> report = reconcileRun(runId);
                  LOG.log(Level.DEBUG, "runner of run {0} exited: {1}", runId, report.orElse(null));
                }
              },
              executor);
    } catch (RejectedExecutionException e) {
      runnerWatches.remove(runId, exit);
      exit.cancel(false);
    }
  }

  private void forgetRun(RunId runId) {
    session.forget(runId);
    forgetVerdict(runId);
    CompletableFuture<ProcessExit> f = runnerWatches.remove(runId);
    if (f != null) {
      f.cancel(false);
    }
  }

  /** Returns the verdict last recorded for a run by this session (for tests and diagnostics). */
  public Optional<VerdictKind> lastVerdict(RunId runId) {
    return Optional.ofNullable(lastVerdict.get(runId));
  }
}
