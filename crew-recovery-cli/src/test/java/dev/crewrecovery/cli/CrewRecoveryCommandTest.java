package dev.crewrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CrewRecoveryCommandTest {

  @Test
  void helpPrintsUsageAndSucceeds() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new CrewRecoveryCommand()).setOut(new PrintWriter(out));

    int exitCode = cli.execute("--help");

    assertThat(exitCode).isZero();
    assertThat(out.toString()).contains("Usage: crew-recovery");
  }

  @Test
  void versionNamesTheProgram() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new CrewRecoveryCommand()).setOut(new PrintWriter(out));

    int exitCode = cli.execute("--version");

    assertThat(exitCode).isZero();
    assertThat(out.toString()).startsWith("crew-recovery ");
  }
}
