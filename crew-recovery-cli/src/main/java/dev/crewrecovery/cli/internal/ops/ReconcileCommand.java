package dev.crewrecovery.cli.internal.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.core.ReconcileReport;
import dev.crewrecovery.core.ReconcileReport.Outcome;
import dev.crewrecovery.core.ReconcileReport.RunReport;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reconcile}: one recovery pass as the operator session, over every active run or one. A run
 * a live session owns is never touched. With {@code --dry-run} nothing is written (not even a
 * verdict event): each run is planned instead.
 */
@Command(
    name = "reconcile",
    description = {
      "Run one recovery pass now as the operator session: repair what the recovery policy"
          + " repairs, never touching a run whose owner's lease is live.",
      "Exit code 3 when a run could not be read or written."
    })
public final class ReconcileCommand extends OpsCommand {

  @Option(names = "--run", paramLabel = "RUN", description = "Only this run.")
  @Nullable String run;

  @Option(names = "--dry-run", description = "Show what the pass would do; write nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  boolean writes() {
    return !dryRun;
  }

  @Override
  int run(Operator op) {
    RunId only = null;
    if (run != null) {
      only = Operator.runId(run);
      op.run(only);
    }
    List<RunReport> reports = dryRun ? dryRun(op, only) : pass(op, only);
    boolean errors = reports.stream().anyMatch(r -> r.outcome() == Outcome.ERROR);
    print(op, reports);
    return errors ? ExitCodes.STORE : ExitCodes.OK;
  }

  private static List<RunReport> pass(Operator op, @Nullable RunId only) {
    ReconcileReport report =
        only == null
            ? op.session().recovery().reconcileNow()
            : op.session().recovery().reconcileNow(only);
    return report.runs();
  }

  /**
   * Plans each run the pass would list; a run a live session owns is reported as the pass would
   * report it.
   */
  private static List<RunReport> dryRun(Operator op, @Nullable RunId only) {
    List<ActiveRun> listed =
        only == null
            ? op.store().activeRuns()
            : List.of(new ActiveRun(only, ActiveRun.State.ACTIVE));
    List<RunReport> reports = new ArrayList<>();
    for (ActiveRun a : listed) {
      RunId id = a.runId();
      if (a.state() == ActiveRun.State.ORPHANED_MARKER) {
        reports.add(
            new RunReport(
                id,
                null,
                null,
                Outcome.ORPHANED_MARKER,
                "the active marker names a missing or quarantined snapshot"));
        continue;
      }
      try {
        Optional<RunSnapshot> s = op.store().load(id);
        if (s.isEmpty()) {
          continue;
        }
        RunView v = RunView.of(op, s.get(), List.of());
        if (InspectCommand.liveOwner(op, v)) {
          reports.add(
              new RunReport(
                  id,
                  null,
                  null,
                  Outcome.LIVE_OWNER,
                  "owned by " + s.get().manifest().owner() + ", whose lease is live; not touched"));
          continue;
        }
        Optional<RecoveryPlan> plan = op.session().recovery().plan(id);
        if (plan.isEmpty()) {
          continue;
        }
        RecoveryPlan p = plan.get();
        Outcome would =
            p.verdict() == VerdictKind.TERMINAL || p.action() == RecoveryAction.NO_OP
                ? Outcome.NOTHING_TO_DO
                : p.fromPolicy() ? Outcome.REPAIRED : Outcome.REPORTED;
        if (p.fromPolicy() && p.action() == RecoveryAction.DIAGNOSE) {
          would = Outcome.REPORTED;
        }
        reports.add(new RunReport(id, p.verdict(), p.action(), would, p.why()));
      } catch (CrewRecoveryException e) {
        reports.add(new RunReport(id, null, null, Outcome.ERROR, Text.message(e)));
      }
    }
    return reports;
  }

  private void print(Operator op, List<RunReport> reports) {
    PrintWriter out = out();
    if (json) {
      ObjectNode root = Json.object();
      root.put("dryRun", dryRun);
      root.put("session", op.env().operatorSession().value());
      ArrayNode runs = root.putArray("runs");
      for (RunReport r : reports) {
        ObjectNode o = runs.addObject();
        o.put("run", r.runId().value());
        Json.put(o, "verdict", r.verdict());
        Json.put(o, "action", r.action());
        o.put("outcome", dryRun ? wouldWord(r.outcome()) : r.outcome().name());
        o.put("detail", r.detail());
      }
      out.println(Json.pretty(root));
      out.flush();
      return;
    }
    Style st = style(op);
    if (reports.isEmpty()) {
      out.println("No active runs.");
      out.flush();
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (RunReport r : reports) {
      String outcome = dryRun ? wouldWord(r.outcome()) : r.outcome().name();
      rows.add(
          List.of(
              r.runId().value(),
              Text.orDash(r.verdict()),
              Text.orDash(r.action()),
              r.outcome() == Outcome.ERROR ? st.red(outcome) : outcome,
              Text.clip(r.detail(), 80)));
    }
    if (dryRun) {
      out.println(st.dim("dry run: nothing was written"));
    }
    out.print(
        st.table(
            List.of("RUN", "VERDICT", "ACTION", dryRun ? "WOULD" : "OUTCOME", "DETAIL"), rows));
    out.flush();
  }

  /** The outcome of a dry run, in words a dry run can claim. */
  private static String wouldWord(Outcome o) {
    return switch (o) {
      case REPAIRED -> "ACT";
      case REPORTED -> "REPORT";
      case NOTHING_TO_DO -> "NOTHING_TO_DO";
      default -> o.name();
    };
  }
}
