package dev.crewrecovery.core.internal.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.core.SystemClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The identity re-checks of {@link Terminator}, with a real child that ignores TERM and a probe
 * that changes its answer after the first check, as a recycled pid or an unreadable {@code /proc}
 * would. The child echoes lines, so a round trip after {@code terminate} proves that no KILL was
 * sent.
 */
@Timeout(60)
class TerminatorTest {

  private final ChildProcesses children = new ChildProcesses();
  private LocalProcesses local;
  private Process process;
  private BufferedReader out;
  private Writer in;
  private ProcessRef ref;

  @BeforeEach
  void startAChildThatIgnoresTerm() throws IOException {
    Path proc = Path.of("/proc");
    assumeThat(Files.isDirectory(proc.resolve("self"))).as("a Linux /proc").isTrue();
    ProcFs fs = new ProcFs(proc);
    local = new LocalProcesses("here", fs, fs.bootId().orElse(null), Duration.ofSeconds(1), true);
    process =
        new ProcessBuilder(
                "sh", "-c", "trap '' TERM; echo ready; while read x; do echo \"$x\"; done")
            .redirectError(Redirect.DISCARD)
            .start();
    out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
    in = new OutputStreamWriter(process.getOutputStream(), UTF_8);
    assertThat(out.readLine()).isEqualTo("ready");
    ref = local.identify(process.pid()).orElseThrow();
  }

  @AfterEach
  void kill() throws Exception {
    Thread.interrupted();
    if (process != null) {
      process.destroyForcibly();
      process.onExit().get(10, TimeUnit.SECONDS);
    }
  }

  /** A probe that answers truly on the first call (before TERM) and {@code later} afterwards. */
  private Function<ProcessRef, Liveness> changingTo(Liveness later) {
    AtomicInteger calls = new AtomicInteger();
    return r -> calls.incrementAndGet() == 1 ? local.probe(r) : later;
  }

  private void assertStillAnswers() throws IOException {
    in.write("ping\n");
    in.flush();
    assertThat(out.readLine()).isEqualTo("ping");
  }

  @Test
  void noKillWhenLivenessBecomesUnknownDuringTheGrace() throws Exception {
    Terminator terminator =
        new Terminator(
            changingTo(Liveness.UNKNOWN), children, SystemClock.instance(), Duration.ofSeconds(2));

    assertThat(terminator.terminate(ref, Duration.ofMillis(50)))
        .isEqualTo(TerminationOutcome.UNKNOWN);
    assertStillAnswers();
  }

  @Test
  void noKillWhenThePidIsRecycledDuringTheGrace() throws Exception {
    Terminator terminator =
        new Terminator(
            changingTo(Liveness.RECYCLED), children, SystemClock.instance(), Duration.ofSeconds(2));

    // The original process is gone as far as the probe can tell: it counts as terminated.
    assertThat(terminator.terminate(ref, Duration.ofMillis(50)))
        .isEqualTo(TerminationOutcome.TERMINATED);
    assertStillAnswers();
  }

  @Test
  void anInterruptedWaitSendsNoKill() throws Exception {
    Terminator terminator =
        new Terminator(local::probe, children, SystemClock.instance(), Duration.ofSeconds(2));

    Thread.currentThread().interrupt();
    TerminationOutcome outcome = terminator.terminate(ref, Duration.ofSeconds(10));

    assertThat(Thread.interrupted()).as("the interrupt flag stays set").isTrue();
    assertThat(outcome).isEqualTo(TerminationOutcome.FAILED);
    assertStillAnswers();
  }

  @Test
  void aProcessStillSeenAliveAfterKillIsFailed() {
    // The probe keeps saying ALIVE although KILL works: the wait after KILL runs out.
    Terminator terminator =
        new Terminator(
            r -> Liveness.ALIVE, children, SystemClock.instance(), Duration.ofMillis(50));

    assertThat(terminator.terminate(ref, Duration.ofMillis(50)))
        .isEqualTo(TerminationOutcome.FAILED);
  }

  @Test
  void theRealProbeKillsAfterTheGrace() throws Exception {
    Terminator terminator =
        new Terminator(local::probe, children, SystemClock.instance(), Duration.ofSeconds(2));

    assertThat(terminator.terminate(ref, Duration.ofMillis(50)))
        .isEqualTo(TerminationOutcome.KILLED);
    assertThat(process.onExit().get(10, TimeUnit.SECONDS).exitValue()).isEqualTo(128 + 9);
  }
}
