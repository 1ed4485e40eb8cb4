package dev.crewrecovery.cli.internal.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.core.ApplyResult;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code recover plan | apply}: the recovery plans of the operator session, and applying them. An
 * operator may choose the action for one run ({@code --action}); a run whose owner's lease is live
 * is acted on only with {@code --force}, and the event says so.
 */
@Command(
    name = "recover",
    description = "Plan recovery (write nothing) or apply the plans.",
    subcommands = {RecoverCommand.PlanCommand.class, RecoverCommand.ApplyCommand.class})
public final class RecoverCommand implements Runnable {

  @Spec CommandSpec spec = CommandSpec.create();

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "recover needs a subcommand: plan or apply");
  }

  /** The options {@code plan} and {@code apply} share. */
  static final class Choice {
    @Option(names = "--run", paramLabel = "RUN", description = "Only this run.")
    @Nullable String run;

    @Option(
        names = "--action",
        paramLabel = "ACTION",
        description =
            "The action for the run named by --run instead of the policy's:"
                + " ${COMPLETION-CANDIDATES}.")
    @Nullable RecoveryAction action;

    @Option(
        names = "--force",
        description = "Act even on a run whose owner's lease is live (needs --run).")
    boolean force;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;
  }

  /** One plan and whether a live session other than the operator's owns its run. */
  record Planned(RecoveryPlan plan, boolean liveOwner, String owner) {}

  static List<Planned> plans(OpsCommand cmd, Operator op, Choice c) {
    if ((c.action != null || c.force) && c.run == null) {
      throw cmd.usage("--action and --force act on one run: name it with --run");
    }
    List<RecoveryPlan> plans;
    if (c.run != null) {
      RunId id = Operator.runId(c.run);
      op.run(id);
      plans = op.session().recovery().plan(id).map(List::of).orElse(List.of());
    } else {
      plans = op.session().recovery().plan();
    }
    List<Planned> out = new ArrayList<>();
    for (RecoveryPlan p : plans) {
      RecoveryPlan chosen = p;
      if (c.action != null || c.force) {
        RecoveryAction a = c.action != null ? c.action : p.action();
        try {
          chosen = p.withAction(a, c.force);
        } catch (IllegalArgumentException e) {
          throw cmd.usage(Text.message(e));
        }
      }
      RunSnapshot s = op.store().load(p.runId()).orElse(null);
      boolean live = s != null && InspectCommand.liveOwner(op, RunView.of(op, s, List.of()));
      String owner = s == null ? "-" : Text.orDash(s.manifest().owner());
      out.add(new Planned(chosen, live, owner));
    }
    return out;
  }

  static ObjectNode json(Planned pl) {
    RecoveryPlan p = pl.plan();
    ObjectNode o = Json.object();
    o.put("run", p.runId().value());
    o.put("verdict", p.verdict().name());
    o.put("why", p.why());
    o.put("action", p.action().name());
    o.put("fromPolicy", p.fromPolicy());
    o.put("forced", p.forced());
    o.put("owner", pl.owner());
    o.put("liveOwner", pl.liveOwner());
    ArrayNode res = o.putArray("resumableTasks");
    p.resumableTasks().forEach(t -> res.add(t.value()));
    ArrayNode pre = o.putArray("preservedTasks");
    p.preservedTasks().forEach(t -> pre.add(t.value()));
    o.put("lastEventSeq", p.lastEventSeq());
    return o;
  }

  /** {@code recover plan}: what recovery would do, run by run; writes nothing. */
  @Command(
      name = "plan",
      description =
          "Show the recovery plan of every run the operator session may act on (or of --run,"
              + " whoever owns it); write nothing.")
  public static final class PlanCommand extends OpsCommand {
    @Mixin Choice choice = new Choice();

    @Override
    int run(Operator op) {
      List<Planned> plans = plans(this, op, choice);
      PrintWriter out = out();
      if (choice.json) {
        ObjectNode root = Json.object();
        ArrayNode arr = root.putArray("plans");
        plans.forEach(p -> arr.add(json(p)));
        out.println(Json.pretty(root));
        out.flush();
        return ExitCodes.OK;
      }
      Style st = style(op);
      if (plans.isEmpty()) {
        out.println(
            choice.run == null
                ? "No runs the operator session may act on; a run whose owner's lease is live is"
                    + " planned only when named with --run."
                : "No plan.");
        out.flush();
        return ExitCodes.OK;
      }
      List<List<String>> rows = new ArrayList<>();
      for (Planned pl : plans) {
        RecoveryPlan p = pl.plan();
        String source = p.fromPolicy() ? "policy" : "operator";
        if (p.forced()) {
          source += ", forced";
        }
        rows.add(
            List.of(
                p.runId().value(),
                p.verdict().name(),
                p.action() == RecoveryAction.NO_OP ? p.action().name() : st.bold(p.action().name()),
                source,
                p.resumableTasks().isEmpty()
                    ? "-"
                    : String.join(",", p.resumableTasks().stream().map(Object::toString).toList()),
                pl.liveOwner() && !p.forced()
                    ? st.yellow("live owner " + pl.owner() + ": apply needs --force")
                    : Text.clip(p.why(), 80)));
      }
      out.print(st.table(List.of("RUN", "VERDICT", "ACTION", "SOURCE", "RESUMABLE", "NOTE"), rows));
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code recover apply}: applies the plans, each re-decided inside the run's update. */
  @Command(
      name = "apply",
      description =
          "Plan, then apply each plan; a plan whose verdict changed meanwhile is skipped, and so"
              + " is a run whose owner's lease is live unless --force.")
  public static final class ApplyCommand extends OpsCommand {
    @Mixin Choice choice = new Choice();

    @Override
    boolean writes() {
      return true;
    }

    @Override
    int run(Operator op) {
      List<Planned> plans = plans(this, op, choice);
      List<ApplyResult> results = new ArrayList<>();
      for (Planned p : plans) {
        results.add(op.session().recovery().apply(p.plan()));
      }
      PrintWriter out = out();
      if (choice.json) {
        ObjectNode root = Json.object();
        root.put("session", op.env().operatorSession().value());
        ArrayNode arr = root.putArray("results");
        for (ApplyResult r : results) {
          ObjectNode o = arr.addObject();
          o.put("run", r.runId().value());
          o.put("action", r.action().name());
          o.put("status", r.status().name());
          Json.put(o, "freshVerdict", r.freshVerdict());
          o.put("detail", r.detail());
        }
        out.println(Json.pretty(root));
        out.flush();
        return ExitCodes.OK;
      }
      Style st = style(op);
      if (results.isEmpty()) {
        out.println("No runs to recover.");
        out.flush();
        return ExitCodes.OK;
      }
      List<List<String>> rows = new ArrayList<>();
      for (ApplyResult r : results) {
        rows.add(
            List.of(
                r.runId().value(),
                r.action().name(),
                r.status() == ApplyResult.Status.APPLIED
                    ? st.green(r.status().name())
                    : st.yellow(r.status().name()),
                Text.orDash(r.freshVerdict()),
                Text.clip(r.detail(), 80)));
      }
      out.print(st.table(List.of("RUN", "ACTION", "RESULT", "VERDICT", "DETAIL"), rows));
      out.flush();
      return ExitCodes.OK;
    }
  }
}
