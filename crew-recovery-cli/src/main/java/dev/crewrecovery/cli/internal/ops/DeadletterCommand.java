package dev.crewrecovery.cli.internal.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.InvalidIdException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.core.DeadletterQuery;
import dev.crewrecovery.core.DeadletterState;
import dev.crewrecovery.core.DeadletterView;
import dev.crewrecovery.core.Deadletters;
import dev.crewrecovery.core.RedriveResult;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code deadletter list | redrive ID | discard ID}: the deadletter entries of the store. */
@Command(
    name = "deadletter",
    description = "List, redrive or discard deadletter entries.",
    subcommands = {
      DeadletterCommand.ListCommand.class,
      DeadletterCommand.RedriveCommand.class,
      DeadletterCommand.DiscardCommand.class
    })
public final class DeadletterCommand implements Runnable {

  @Spec CommandSpec spec = CommandSpec.create();

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "deadletter needs a subcommand: list, redrive or discard");
  }

  static DeadletterId id(String text) {
    try {
      return DeadletterId.of(text);
    } catch (InvalidIdException e) {
      throw new CliException(ExitCodes.USAGE, Text.message(e));
    }
  }

  static String table(Style st, List<DeadletterView> views) {
    List<List<String>> rows = new ArrayList<>();
    for (DeadletterView d : views) {
      DeadletterEntry e = d.entry();
      rows.add(
          List.of(
              e.id().value(),
              st.judged(d.state().name()),
              e.reason().name(),
              e.runId().value(),
              Text.orDash(e.taskId()),
              e.attemptId() == null ? Text.orDash(e.deliveryId()) : e.attemptId().toString(),
              e.at().toString(),
              Text.clip(e.lastError(), 60)));
    }
    return st.table(
        List.of("ID", "STATE", "REASON", "RUN", "TASK", "ATTEMPT", "AT", "LAST ERROR"), rows);
  }

  static ObjectNode json(DeadletterView d) {
    DeadletterEntry e = d.entry();
    ObjectNode o = Json.object();
    o.put("id", e.id().value());
    o.put("state", d.state().name());
    o.put("reason", e.reason().name());
    o.put("run", e.runId().value());
    Json.put(o, "task", e.taskId());
    Json.put(o, "attempt", e.attemptId());
    Json.put(o, "delivery", e.deliveryId());
    o.put("attempts", e.attempts());
    Json.put(o, "lastError", e.lastError());
    o.put("at", e.at().toString());
    o.put("epoch", e.epoch());
    ArrayNode marks = o.putArray("marks");
    for (DeadletterMark m : d.marks()) {
      ObjectNode mo = marks.addObject();
      mo.put("kind", m.kind().name());
      mo.put("at", m.at().toString());
      mo.put("note", m.note());
    }
    return o;
  }

  /** {@code deadletter list}: entries with their computed state, oldest first. */
  @Command(name = "list", description = "List deadletter entries with their computed state.")
  public static final class ListCommand extends OpsCommand {
    @Option(names = "--run", paramLabel = "RUN", description = "Only entries of this run.")
    @Nullable String run;

    @Option(names = "--task", paramLabel = "TASK", description = "Only entries of this task.")
    @Nullable String task;

    @Option(
        names = "--reason",
        paramLabel = "REASON",
        description = "Only entries with this reason: ${COMPLETION-CANDIDATES}.")
    @Nullable DeadletterReason reason;

    @Option(
        names = "--state",
        paramLabel = "STATE",
        description = "Only entries in this state: ${COMPLETION-CANDIDATES}.")
    @Nullable DeadletterState state;

    @Option(names = "--since", paramLabel = "INSTANT", description = "Only entries at or after.")
    @Nullable String since;

    @Option(names = "--until", paramLabel = "INSTANT", description = "Only entries at or before.")
    @Nullable String until;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    int run(Operator op) {
      DeadletterQuery q =
          DeadletterQuery.all()
              .withRun(run == null ? null : Operator.runId(run))
              .withTask(task == null ? null : taskId(task))
              .withReason(reason)
              .withState(state)
              .withRange(instant("--since", since), instant("--until", until));
      List<DeadletterView> views = op.deadletters().list(q);
      PrintWriter out = out();
      if (json) {
        ObjectNode root = Json.object();
        ArrayNode entries = root.putArray("entries");
        views.forEach(d -> entries.add(json(d)));
        out.println(Json.pretty(root));
      } else if (views.isEmpty()) {
        out.println("No deadletter entries.");
      } else {
        out.print(table(style(op), views));
      }
      out.flush();
      return ExitCodes.OK;
    }

    private static TaskId taskId(String text) {
      try {
        return TaskId.of(text);
      } catch (InvalidIdException e) {
        throw new CliException(ExitCodes.USAGE, Text.message(e));
      }
    }

    private static @Nullable Instant instant(String option, @Nullable String text) {
      if (text == null) {
        return null;
      }
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new CliException(
            ExitCodes.USAGE, option + " " + text + " is not an instant like 2026-01-01T00:00:00Z");
      }
    }
  }

  /**
   * {@code deadletter redrive ID [--dry-run]}: requeues the failed task of an OPEN entry as a new
   * attempt (reopening a finished run) or re-enqueues a failed delivery. The redrive adopts the run
   * for the operator session; a run whose owner's lease is live is taken over only with {@code
   * --force}.
   */
  @Command(
      name = "redrive",
      description = {
        "Redrive an OPEN entry: requeue its failed task as a new attempt (a finished run is"
            + " reopened and adopted by the operator session), or re-enqueue a failed delivery.",
        "A run whose owner's lease is live is taken over only with --force."
      })
  public static final class RedriveCommand extends OpsCommand {
    @Parameters(paramLabel = "ID", description = "The entry id.")
    String id = "";

    @Option(
        names = "--dry-run",
        description = "Show the changes a redrive would make; write nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Take over a run whose owner's lease is live.")
    boolean force;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    boolean writes() {
      return !dryRun;
    }

    @Override
    int run(Operator op) {
      DeadletterId entry = id(id);
      DeadletterView found =
          op.deadletters()
              .find(entry)
              .orElseThrow(
                  () ->
                      new CliException(
                          ExitCodes.STORE,
                          "no deadletter entry " + entry + " in " + op.store().root()));
      String liveOwner = liveOwnerOf(op, found.entry());
      if (liveOwner != null && !dryRun && !force) {
        throw new CliException(
            ExitCodes.USAGE,
            "run "
                + found.entry().runId()
                + " is owned by "
                + liveOwner
                + ", whose lease is live; a redrive would take it over: add --force");
      }
      Deadletters session = op.session().recovery().deadletters();
      RedriveResult r =
          dryRun ? session.previewRedrive(entry, op.now()) : session.redrive(entry, op.now());
      PrintWriter out = out();
      if (json) {
        ObjectNode root = Json.object();
        root.put("id", entry.value());
        root.put("written", r.written());
        root.put("dryRun", dryRun);
        root.put("state", r.entry().state().name());
        root.put("run", r.snapshot().runId().value());
        root.put("runStatus", r.snapshot().status().name());
        root.put("version", r.snapshot().version());
        Json.put(root, "owner", r.snapshot().manifest().owner());
        Json.put(root, "liveOwner", liveOwner);
        ArrayNode changes = root.putArray("changes");
        r.changes().forEach(changes::add);
        out.println(Json.pretty(root));
      } else {
        Style st = style(op);
        out.println(
            (r.written() ? "redriven " : st.dim("dry run, nothing written: ") + "would redrive ")
                + entry
                + " ("
                + found.entry().reason()
                + ", run "
                + found.entry().runId()
                + ")");
        for (String c : r.changes()) {
          out.println("  - " + c);
        }
        if (liveOwner != null && !r.written()) {
          out.println(
              st.yellow(
                  "run owned by "
                      + liveOwner
                      + ", whose lease is live: the redrive needs --force"));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }

    /** The live owner (other than the operator) of the run a task entry would redrive, or null. */
    private static @Nullable String liveOwnerOf(Operator op, DeadletterEntry e) {
      if (e.deliveryId() != null) {
        return null;
      }
      RunSnapshot s = op.store().load(e.runId()).orElse(null);
      if (s == null) {
        return null;
      }
      RunView v = RunView.of(op, s, List.of());
      return InspectCommand.liveOwner(op, v) ? String.valueOf(s.manifest().owner()) : null;
    }
  }

  /** {@code deadletter discard ID --reason R}: closes an OPEN entry with a reason. */
  @Command(name = "discard", description = "Discard an OPEN entry, recording why.")
  public static final class DiscardCommand extends OpsCommand {
    @Parameters(paramLabel = "ID", description = "The entry id.")
    String id = "";

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "Why it is discarded.")
    String reason = "";

    @Override
    boolean writes() {
      return true;
    }

    @Override
    int run(Operator op) {
      if (reason.isBlank()) {
        throw new CliException(ExitCodes.USAGE, "--reason must not be blank");
      }
      DeadletterView v = op.deadletters().discard(id(id), reason, op.now());
      out()
          .println(
              "discarded "
                  + v.id()
                  + " ("
                  + v.entry().reason()
                  + ", run "
                  + v.entry().runId()
                  + ")");
      out().flush();
      return ExitCodes.OK;
    }
  }
}
