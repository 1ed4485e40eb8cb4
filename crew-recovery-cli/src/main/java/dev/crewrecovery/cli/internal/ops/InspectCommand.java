package dev.crewrecovery.cli.internal.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.ResumeRecord;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.core.DeadletterQuery;
import dev.crewrecovery.core.DeadletterView;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryPlan;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inspect RUN}: the operator checklist for one run. The verdict and proposal come from the
 * operator session's {@code plan(runId)}, which writes nothing but the session's own lease.
 */
@Command(
    name = "inspect",
    description = {
      "Show one run: manifest and tasks, the last events, runner and worker liveness with their"
          + " identity, heartbeat ages and levels, deadletter entries with their state, and the"
          + " verdict and recovery the reconciler would reach.",
      "Exit code 1 when the run needs attention."
    })
public final class InspectCommand extends OpsCommand {
  static final int LAST_EVENTS = 20;

  @Parameters(paramLabel = "RUN", description = "The run id.")
  String run = "";

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  /** The verdict part: a plan, or why there is none. */
  private record Verdict(@Nullable RecoveryPlan plan, String unavailable) {}

  @Override
  int run(Operator op) {
    RunId runId = Operator.runId(run);
    RunSnapshot s = op.run(runId);
    List<DeadletterView> deadletters = op.deadletters().list(DeadletterQuery.all().withRun(runId));
    RunView v = RunView.of(op, s, deadletters);
    List<RunEvent> events = lastEvents(op, runId, LAST_EVENTS);
    Verdict verdict;
    try {
      verdict = new Verdict(op.session().recovery().plan(runId).orElse(null), "the run vanished");
    } catch (CrewRecoveryException e) {
      verdict = new Verdict(null, "the operator session could not plan: " + Text.message(e));
    }
    List<String> reasons = new ArrayList<>(v.reasons);
    RecoveryPlan plan = verdict.plan();
    if (plan != null && plan.action() != RecoveryAction.NO_OP) {
      reasons.add("the reconciler proposes " + plan.action() + " (" + plan.verdict() + ")");
    }
    boolean live = liveOwner(op, v);
    if (json) {
      printJson(v, events, verdict, reasons, live);
    } else {
      printText(op, v, events, verdict, reasons, live);
    }
    return reasons.isEmpty() ? ExitCodes.OK : ExitCodes.ATTENTION;
  }

  /** Whether a session other than the operator's holds the run with a live lease. */
  static boolean liveOwner(Operator op, RunView v) {
    return v.leaseState == RunView.LeaseState.LIVE
        && v.snapshot.manifest().owner() != null
        && !v.snapshot.manifest().owner().session().equals(op.env().operatorSession());
  }

  static List<RunEvent> lastEvents(Operator op, RunId runId, int n) {
    ArrayDeque<RunEvent> last = new ArrayDeque<>(n);
    long after = 0;
    while (true) {
      List<RunEvent> page = op.store().events(runId, after, 1000);
      for (RunEvent e : page) {
        if (last.size() == n) {
          last.removeFirst();
        }
        last.addLast(e);
        after = e.seq();
      }
      if (page.size() < 1000) {
        return new ArrayList<>(last);
      }
    }
  }

  private void printText(
      Operator op,
      RunView v,
      List<RunEvent> events,
      Verdict verdict,
      List<String> reasons,
      boolean live) {
    PrintWriter out = out();
    Style st = style(op);
    Manifest m = v.snapshot.manifest();
    out.println(
        st.bold("Run " + m.runId())
            + "  "
            + st.judged(m.status().name())
            + (reasons.isEmpty() ? "" : "  " + st.yellow("(needs attention)")));
    field(
        out,
        "owner",
        m.owner() == null
            ? "none"
            : m.owner()
                + "  lease "
                + st.judged(v.leaseState.name())
                + (v.lease == null
                    ? ""
                    : " (renewed " + Text.ago(v.lease.renewedAt(), v.now) + ")"));
    field(out, "epoch", m.epoch() + "  version " + v.snapshot.version());
    field(out, "created", m.createdAt() + " (" + Text.ago(m.createdAt(), v.now) + ")");
    field(out, "updated", m.updatedAt() + " (" + Text.ago(m.updatedAt(), v.now) + ")");
    if (m.runner() == null) {
      field(out, "runner", "none");
    } else {
      field(
          out,
          "runner",
          Text.ref(m.runner())
              + "  "
              + (v.runner == null ? "not probed" : st.judged(v.runner.name()))
              + (m.runnerVouchedBy() == null ? "" : "  vouched by " + m.runnerVouchedBy())
              + (m.runnerLogPath() == null ? "" : "  log " + m.runnerLogPath()));
    }
    if (m.approval() != null) {
      field(
          out,
          "approval",
          m.approval().state() + " asked " + Text.ago(m.approval().askedAt(), v.now));
    }
    if (m.summary() != null) {
      field(out, "summary", m.summary());
    }
    if (!m.attributes().isEmpty()) {
      field(out, "attributes", Text.data(m.attributes()));
    }
    for (ResumeRecord r : m.resumeHistory()) {
      field(
          out,
          "resumed",
          r.instant() + " by " + r.session() + "#" + r.incarnation() + " epoch " + r.epoch());
    }

    out.println();
    out.println(st.bold("Tasks"));
    List<List<String>> rows = new ArrayList<>();
    for (RunView.TaskView t : v.tasks) {
      Attempt a = t.attempt();
      rows.add(
          List.of(
              t.task().id().value(),
              st.judged(t.task().status().name()),
              a == null ? "-" : a.id().number() + (t.task().attemptCurrent() ? "" : " (ended)"),
              a == null ? "-" : Text.ref(a.worker()),
              t.worker() == null ? "-" : st.judged(t.worker().name()),
              t.unfinished() ? Text.ago(t.freshest(), v.now) : "-",
              t.level() == null ? (t.unfinished() ? "silent" : "-") : st.judged(t.level().name()),
              note(t)));
    }
    out.print(
        indent(
            st.table(
                List.of(
                    "TASK",
                    "STATUS",
                    "ATTEMPT",
                    "WORKER",
                    "LIVENESS",
                    "LAST SEEN",
                    "LEVEL",
                    "NOTE"),
                rows)));

    out.println();
    out.println(st.bold("Last " + LAST_EVENTS + " events"));
    if (events.isEmpty()) {
      out.println("  none");
    }
    for (RunEvent e : events) {
      out.println("  " + Text.event(e));
    }

    out.println();
    out.println(st.bold("Deadletters"));
    if (v.deadletters.isEmpty()) {
      out.println("  none");
    } else {
      out.print(indent(DeadletterCommand.table(st, v.deadletters)));
    }

    out.println();
    out.println(st.bold("Verdict"));
    RecoveryPlan plan = verdict.plan();
    if (plan == null) {
      out.println("  unavailable: " + verdict.unavailable());
    } else {
      out.println("  " + st.bold(plan.verdict().name()) + ": " + plan.why());
      out.println(
          "  proposed: "
              + plan.action()
              + (plan.fromPolicy() ? " (recovery policy)" : " (proposal to the operator)"));
      if (!plan.resumableTasks().isEmpty()) {
        out.println("  resumable tasks: " + join(plan.resumableTasks()));
      }
      if (live) {
        out.println(
            "  "
                + st.yellow(
                    "owned by "
                        + m.owner()
                        + " whose lease is live: the reconciler leaves it alone;"
                        + " recover apply needs --force"));
      }
    }
    if (!reasons.isEmpty()) {
      out.println();
      out.println(st.bold("Needs attention"));
      for (String r : reasons) {
        out.println("  - " + st.yellow(r));
      }
    }
    out.flush();
  }

  private static String note(RunView.TaskView t) {
    List<String> notes = new ArrayList<>();
    Attempt a = t.attempt();
    if (t.slot() != null && !t.slot().alive()) {
      notes.add("worker announced its end");
    }
    if (t.task().waitMarker() != null) {
      notes.add("waiting: " + Text.clip(t.task().waitMarker().question(), 40));
    }
    if (t.task().notBefore() != null) {
      notes.add("not before " + t.task().notBefore());
    }
    if (a != null && a.result() != null) {
      notes.add("result " + Text.clip(a.result().reference(), 40));
    }
    if (a != null && a.failure() != null) {
      Failure f = a.failure();
      notes.add(
          f.code()
              + (f.exitClass() == null ? "" : "/" + f.exitClass())
              + ": "
              + Text.clip(f.message(), 60));
    }
    return String.join("; ", notes);
  }

  private static void field(PrintWriter out, String name, String value) {
    out.println(String.format(Locale.ROOT, "  %-11s%s", name, value));
  }

  private static String indent(String block) {
    return block.lines().map(l -> "  " + l).collect(Collectors.joining("\n", "", "\n"));
  }

  private static String join(List<?> items) {
    return items.stream().map(Object::toString).collect(Collectors.joining(", "));
  }

  private void printJson(
      RunView v, List<RunEvent> events, Verdict verdict, List<String> reasons, boolean live) {
    Manifest m = v.snapshot.manifest();
    ObjectNode root = Json.object();
    root.put("run", m.runId().value());
    root.put("now", v.now.toString());
    StatusCommand.summary(root, v);
    root.put("attention", !reasons.isEmpty());
    ArrayNode rs = root.putArray("reasons");
    reasons.forEach(rs::add);
    ObjectNode man = root.putObject("manifest");
    man.put("status", m.status().name());
    Json.put(man, "owner", m.owner());
    man.put("lease", v.leaseState.name());
    Json.put(man, "leaseRenewedAt", v.lease == null ? null : v.lease.renewedAt());
    man.put("epoch", m.epoch());
    man.put("createdAt", m.createdAt().toString());
    man.put("updatedAt", m.updatedAt().toString());
    Json.put(man, "runner", Json.ref(m.runner()));
    Json.put(man, "runnerLiveness", v.runner);
    Json.put(man, "runnerVouchedBy", m.runnerVouchedBy());
    Json.put(man, "runnerLogPath", m.runnerLogPath());
    Json.put(man, "approval", m.approval() == null ? null : m.approval().state());
    Json.put(man, "summary", m.summary());
    ObjectNode attrs = man.putObject("attributes");
    m.attributes().forEach(attrs::put);
    ArrayNode resumes = man.putArray("resumeHistory");
    for (ResumeRecord r : m.resumeHistory()) {
      ObjectNode o = resumes.addObject();
      o.put("at", r.instant().toString());
      o.put("session", r.session().value());
      o.put("incarnation", r.incarnation());
      o.put("epoch", r.epoch());
    }
    root.set("taskCounts", root.remove("tasks"));
    ArrayNode tasks = root.putArray("tasks");
    for (RunView.TaskView t : v.tasks) {
      ObjectNode o = tasks.addObject();
      o.put("task", t.task().id().value());
      o.put("status", t.task().status().name());
      o.put("attempts", t.task().attempts().size());
      Attempt a = t.attempt();
      Json.put(o, "attempt", a == null ? null : a.id());
      o.put("attemptCurrent", t.task().attemptCurrent());
      Json.put(o, "worker", a == null ? null : Json.ref(a.worker()));
      Json.put(o, "workerLiveness", t.worker());
      Json.put(o, "lastSeenAt", t.task().lastSeenAt());
      Json.put(o, "lastActivityAt", t.task().lastActivityAt());
      Json.put(o, "freshest", t.freshest());
      Json.put(o, "ageSeconds", t.age() == null ? null : t.age().toSeconds());
      Json.put(o, "level", t.level());
      Json.put(o, "workerEnded", t.slot() == null ? null : !t.slot().alive());
      Json.put(o, "notBefore", t.task().notBefore());
      Json.put(
          o, "waitingFor", t.task().waitMarker() == null ? null : t.task().waitMarker().question());
      Json.put(o, "result", a == null || a.result() == null ? null : a.result().reference());
      if (a != null && a.failure() != null) {
        ObjectNode f = o.putObject("failure");
        f.put("code", a.failure().code());
        f.put("message", a.failure().message());
        Json.put(f, "exitClass", a.failure().exitClass());
        Json.put(f, "verdict", a.failure().verdict());
      } else {
        o.putNull("failure");
      }
    }
    ArrayNode ev = root.putArray("events");
    events.forEach(e -> ev.add(Json.event(e)));
    ArrayNode dl = root.putArray("deadletters");
    v.deadletters.forEach(d -> dl.add(DeadletterCommand.json(d)));
    RecoveryPlan plan = verdict.plan();
    if (plan == null) {
      root.putNull("verdict");
      root.put("verdictUnavailable", verdict.unavailable());
    } else {
      ObjectNode o = root.putObject("verdict");
      o.put("verdict", plan.verdict().name());
      o.put("why", plan.why());
      o.put("action", plan.action().name());
      o.put("fromPolicy", plan.fromPolicy());
      o.put("liveOwner", live);
      ArrayNode res = o.putArray("resumableTasks");
      plan.resumableTasks().forEach(t -> res.add(t.value()));
      ArrayNode pre = o.putArray("preservedTasks");
      plan.preservedTasks().forEach(t -> pre.add(t.value()));
      o.put("lastEventSeq", plan.lastEventSeq());
    }
    out().println(Json.pretty(root));
    out().flush();
  }
}
