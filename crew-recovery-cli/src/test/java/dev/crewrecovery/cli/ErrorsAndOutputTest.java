package dev.crewrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.core.CrewRecovery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes, one-line errors, {@code --verbose}, and colours only on a terminal. */
class ErrorsAndOutputTest {
  private static final String ESC = "\u001B[";

  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void open() {
    cli = new Cli(dir.resolve("store"));
  }

  @AfterEach
  void close() {
    cli.close();
  }

  private Cli.Result runOn(Path store, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--store";
    all[1] = store.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.runRaw(all);
  }

  @Test
  void aMissingStoreIsOneLineAndExitCodeThreeAndIsNotCreated() {
    Path missing = dir.resolve("nowhere");

    for (String command : new String[] {"status", "inspect", "reconcile", "events", "deadletter"}) {
      Cli.Result r =
          switch (command) {
            case "inspect", "events" -> runOn(missing, command, "r1");
            case "deadletter" -> runOn(missing, command, "list");
            default -> runOn(missing, command);
          };
      assertThat(r.code()).as(command + ": " + r).isEqualTo(3);
      assertThat(r.err().lines()).as(command).hasSize(1);
      assertThat(r.err()).contains("no store at", "nowhere");
      assertThat(r.out()).isEmpty();
    }
    assertThat(missing).doesNotExist();
  }

  @Test
  void aDirectoryThatIsNoStoreIsRefused() throws IOException {
    Path plain = Files.createDirectories(dir.resolve("plain"));

    Cli.Result r = runOn(plain, "status");

    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("is not a crew-recovery store");
    assertThat(plain.resolve("runs")).doesNotExist();
  }

  @Test
  void anUnknownRunIsOneLine() {
    Cli.Result r = cli.run("inspect", "nope");

    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err().lines())
        .containsExactly("crew-recovery: no run nope in " + cli.store.root());
  }

  @Test
  void aCorruptRunFileIsOneLineAndVerboseAddsTheStackTrace() throws IOException {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a");
    Files.writeString(
        cli.dir.resolve("runs").resolve("r1").resolve("run.json"),
        "{ not json",
        StandardCharsets.UTF_8);

    Cli.Result quiet = cli.run("inspect", "r1");
    Cli.Result verbose = cli.run("--verbose", "inspect", "r1");

    assertThat(quiet.code()).as(quiet.toString()).isEqualTo(3);
    assertThat(quiet.err().lines()).hasSize(1);
    assertThat(quiet.err()).containsIgnoringCase("r1").doesNotContain("\tat ");
    assertThat(verbose.code()).isEqualTo(3);
    assertThat(verbose.err()).contains("\tat dev.crewrecovery");
  }

  @Test
  void aCorruptRunIsShownAsSuchByStatusWhichNeedsAttention() throws IOException {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a");
    Files.writeString(
        cli.dir.resolve("runs").resolve("r1").resolve("run.json"),
        "garbage",
        StandardCharsets.UTF_8);

    Cli.Result r = cli.run("status", "--json");

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    String state = r.json().get("runs").get(0).get("status").asText();
    assertThat(state).isIn("CORRUPT", "ORPHANED_MARKER");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(cli.run("status", "--bogus").code()).isEqualTo(2);
    assertThat(cli.run("nosuchcommand").code()).isEqualTo(2);
    assertThat(cli.run().code()).isEqualTo(2);
    assertThat(cli.run("recover").code()).isEqualTo(2);
    assertThat(cli.run("inspect").code()).isEqualTo(2);
    assertThat(cli.run("events", "r1", "--since", "x").code()).isEqualTo(2);
    assertThat(cli.run("deadletter", "list", "--reason", "NOPE").code()).isEqualTo(2);
    Cli.Result typo = cli.run("status", "--bogus");
    assertThat(typo.err())
        .startsWith("crew-recovery: Unknown option: '--bogus'")
        .contains("--help")
        .doesNotContain("Exit codes");
    Cli.Result badNow = cli.run("--now", "yesterday", "status");
    assertThat(badNow.code()).isEqualTo(2);
    assertThat(badNow.err().lines()).hasSize(1);
    Cli.Result nowForAWrite = cli.run("--now", "2030-01-01T01:00:00Z", "reconcile");
    assertThat(nowForAWrite.code()).isEqualTo(2);
    assertThat(nowForAWrite.err()).contains("--now only applies to reading");
    assertThat(cli.run("--now", "2030-01-01T01:00:00Z", "reconcile", "--dry-run").code()).isZero();
    Cli.Result badId = cli.run("inspect", "../etc");
    assertThat(badId.code()).isEqualTo(2);
    assertThat(badId.err().lines()).hasSize(1);
  }

  @Test
  void coloursOnlyOnATerminalWithoutNoColor() {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a");
    cli.probe.set(cli.worker("r1", 0), Liveness.DEAD);

    Cli.Result piped = cli.run("inspect", "r1");
    cli.terminal = true;
    Cli.Result terminal = cli.run("inspect", "r1");
    Cli.Result json = cli.run("inspect", "r1", "--json");
    cli.env = Map.of("NO_COLOR", "1");
    Cli.Result noColor = cli.run("inspect", "r1");

    assertThat(piped.out()).doesNotContain(ESC).contains("DEAD");
    assertThat(terminal.out()).contains(ESC + "31mDEAD");
    assertThat(json.out()).doesNotContain(ESC);
    assertThat(noColor.out()).doesNotContain(ESC);
  }

  @Test
  void helpListsTheCommandsAndExitCodes() {
    Cli.Result r = cli.run("--help");

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("status", "inspect", "reconcile", "recover", "deadletter", "events")
        .contains("Exit codes:", "store error")
        .doesNotContain("--now");
  }
}
