package dev.crewrecovery.cli.internal.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.core.DeadletterQuery;
import dev.crewrecovery.core.DeadletterView;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status}: a table of the active runs (or of every run with {@code --all}). */
@Command(
    name = "status",
    description = {
      "Show the active runs: status, owner and its lease, tasks by status, heartbeat levels,"
          + " runner liveness, open deadletter entries.",
      "Exit code 1 when a run needs attention."
    })
public final class StatusCommand extends OpsCommand {

  @Option(names = "--all", description = "Also show finished runs.")
  boolean all;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  /**
   * One listed run: a view, or why there is none (kind ORPHANED_MARKER, CORRUPT or UNREADABLE, and
   * the problem in words).
   */
  private record Row(RunId runId, Optional<RunView> view, String kind, String problem) {}

  @Override
  int run(Operator op) {
    Map<RunId, List<DeadletterView>> deadletters =
        op.deadletters().list(DeadletterQuery.all()).stream()
            .collect(
                Collectors.groupingBy(d -> d.entry().runId(), TreeMap::new, Collectors.toList()));
    TreeSet<RunId> ids = new TreeSet<>();
    TreeSet<RunId> orphaned = new TreeSet<>();
    for (ActiveRun a : op.store().activeRuns()) {
      ids.add(a.runId());
      if (a.state() == ActiveRun.State.ORPHANED_MARKER) {
        orphaned.add(a.runId());
      }
    }
    if (all) {
      ids.addAll(op.store().allRuns());
    }
    List<Row> rows = new ArrayList<>();
    for (RunId id : ids) {
      if (orphaned.contains(id)) {
        rows.add(
            new Row(
                id,
                Optional.empty(),
                "ORPHANED_MARKER",
                "the active marker names a missing or quarantined snapshot"));
        continue;
      }
      try {
        Optional<RunSnapshot> s = op.store().load(id);
        if (s.isEmpty()) {
          continue;
        }
        rows.add(
            new Row(
                id,
                Optional.of(RunView.of(op, s.get(), deadletters.getOrDefault(id, List.of()))),
                "",
                ""));
      } catch (CorruptStateException e) {
        rows.add(new Row(id, Optional.empty(), "CORRUPT", Text.message(e)));
      } catch (CrewRecoveryException e) {
        rows.add(new Row(id, Optional.empty(), "UNREADABLE", Text.message(e)));
      }
    }
    boolean attention =
        rows.stream().anyMatch(r -> r.view().map(RunView::needsAttention).orElse(true));
    if (json) {
      printJson(op, rows);
    } else {
      printTable(op, rows);
    }
    return attention ? ExitCodes.ATTENTION : ExitCodes.OK;
  }

  private void printTable(Operator op, List<Row> rows) {
    PrintWriter out = out();
    Style st = style(op);
    if (rows.isEmpty()) {
      out.println(all ? "No runs." : "No active runs.");
      out.flush();
      return;
    }
    List<List<String>> table = new ArrayList<>();
    for (Row r : rows) {
      if (r.view().isEmpty()) {
        table.add(
            List.of(
                r.runId().value(),
                st.judged(r.kind()),
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                st.red(Text.clip(r.problem(), 80))));
        continue;
      }
      RunView v = r.view().get();
      table.add(
          List.of(
              v.snapshot.runId().value(),
              st.judged(v.snapshot.status().name()),
              Text.orDash(v.snapshot.manifest().owner()),
              v.leaseState == RunView.LeaseState.NONE ? "-" : st.judged(v.leaseState.name()),
              counts(v.tasks.stream().map(t -> t.task().status().name()).toList()),
              levels(v),
              v.runner == null ? "-" : st.judged(v.runner.name()),
              v.openDeadletters() == 0 ? "-" : st.red(Long.toString(v.openDeadletters())),
              v.reasons.isEmpty() ? "" : st.yellow(String.join("; ", v.reasons))));
    }
    out.print(
        st.table(
            List.of(
                "RUN",
                "STATUS",
                "OWNER",
                "LEASE",
                "TASKS",
                "HEARTBEATS",
                "RUNNER",
                "OPEN DL",
                "ATTENTION"),
            table));
    long needing =
        rows.stream().filter(r -> r.view().map(RunView::needsAttention).orElse(true)).count();
    out.println();
    out.println(
        rows.size()
            + (rows.size() == 1 ? " run" : " runs")
            + ", "
            + (needing == 0
                ? "none needs attention"
                : needing + " need" + (needing == 1 ? "s" : "") + " attention"));
    out.flush();
  }

  private static String levels(RunView v) {
    List<String> levels =
        v.tasks.stream()
            .filter(t -> t.level() != null)
            .map(t -> String.valueOf(t.level()))
            .toList();
    return levels.isEmpty() ? "-" : counts(levels);
  }

  /** {@code RUNNING:2 QUEUED:1}, in order of first appearance. */
  static String counts(List<String> words) {
    Map<String, Integer> n = new java.util.LinkedHashMap<>();
    for (String w : words) {
      n.merge(w, 1, Integer::sum);
    }
    return n.isEmpty()
        ? "-"
        : n.entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue())
            .collect(Collectors.joining(" "));
  }

  private void printJson(Operator op, List<Row> rows) {
    ObjectNode root = Json.object();
    root.put("store", op.store().root().toString());
    root.put("now", op.now().toString());
    ArrayNode runs = root.putArray("runs");
    int attention = 0;
    for (Row r : rows) {
      ObjectNode o = runs.addObject();
      o.put("run", r.runId().value());
      if (r.view().isEmpty()) {
        o.put("status", r.kind());
        o.put("problem", r.problem());
        o.put("attention", true);
        o.putArray("reasons").add(r.problem());
        attention++;
        continue;
      }
      RunView v = r.view().get();
      summary(o, v);
      if (v.needsAttention()) {
        attention++;
      }
    }
    root.put("needAttention", attention);
    out().println(Json.pretty(root));
    out().flush();
  }

  /** The fields of one run shared by {@code status --json} and {@code inspect --json}. */
  static void summary(ObjectNode o, RunView v) {
    o.put("status", v.snapshot.status().name());
    Json.put(o, "owner", v.snapshot.manifest().owner());
    o.put("lease", v.leaseState.name());
    o.put("epoch", v.snapshot.manifest().epoch());
    o.put("version", v.snapshot.version());
    ObjectNode tasks = o.putObject("tasks");
    for (RunView.TaskView t : v.tasks) {
      String k = t.task().status().name();
      tasks.put(k, tasks.path(k).asInt(0) + 1);
    }
    ObjectNode levels = o.putObject("heartbeats");
    for (RunView.TaskView t : v.tasks) {
      if (t.level() != null) {
        String k = t.level().name();
        levels.put(k, levels.path(k).asInt(0) + 1);
      }
    }
    Json.put(o, "runner", v.runner);
    o.put("openDeadletters", v.openDeadletters());
    o.put("attention", v.needsAttention());
    ArrayNode reasons = o.putArray("reasons");
    v.reasons.forEach(reasons::add);
  }
}
