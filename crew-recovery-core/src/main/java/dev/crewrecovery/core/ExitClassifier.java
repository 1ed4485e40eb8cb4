package dev.crewrecovery.core;

import dev.crewrecovery.api.ExitClass;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Classifies how a worker ended (DESIGN section 8). A pure function: thread-safe, no I/O, no clock.
 *
 * <p>First match wins: {@link ExitClass#TIMEOUT} if timed out; {@link ExitClass#CANCELLED} if
 * cancelled; {@link ExitClass#SPAWN_ERROR} if there was a spawn error; {@link
 * ExitClass#NATIVE_PANIC} if (a signal or a non-zero exit code) and the stderr tail contains,
 * ignoring case, one of {@link #PANIC_SIGNATURES}; {@link ExitClass#SIGNAL_EXIT} if a signal;
 * {@link ExitClass#CLEAN_EXIT} if the exit code is 0; {@link ExitClass#NON_ZERO_EXIT} if it is
 * another code; {@link ExitClass#PROTOCOL_EXIT} when neither code nor signal is known.
 */
public final class ExitClassifier {

  /** The crash signatures searched in the stderr tail, lower case. */
  public static final List<String> PANIC_SIGNATURES =
      List.of(
          "sigsegv",
          "segfault",
          "segmentation fault",
          "sigabrt",
          "abort(",
          "fatal error",
          "panic:",
          "thread '",
          "illegal instruction",
          "double free");

  private ExitClassifier() {}

  /**
   * Classifies a worker's end.
   *
   * @param exitCode the exit code, when known
   * @param signal the name or number of the terminating signal, when known
   * @param timedOut whether the worker was stopped for exceeding its time
   * @param cancelled whether the worker was cancelled
   * @param spawnError the error that prevented the worker from starting, when there was one
   * @param stderrTail the last bytes of the worker's stderr, possibly empty
   * @return the exit class; never null
   */
  public static ExitClass classify(
      @Nullable Integer exitCode,
      @Nullable String signal,
      boolean timedOut,
      boolean cancelled,
      @Nullable String spawnError,
      String stderrTail) {
    Objects.requireNonNull(stderrTail, "stderrTail");
    if (timedOut) {
      return ExitClass.TIMEOUT;
    }
    if (cancelled) {
      return ExitClass.CANCELLED;
    }
    if (spawnError != null) {
      return ExitClass.SPAWN_ERROR;
    }
    boolean abnormal = signal != null || (exitCode != null && exitCode != 0);
    if (abnormal && hasPanicSignature(stderrTail)) {
      return ExitClass.NATIVE_PANIC;
    }
    if (signal != null) {
      return ExitClass.SIGNAL_EXIT;
    }
    if (exitCode != null) {
      return exitCode == 0 ? ExitClass.CLEAN_EXIT : ExitClass.NON_ZERO_EXIT;
    }
    return ExitClass.PROTOCOL_EXIT;
  }

  /**
   * Classifies the exit of a watched process from its exit code alone (no signal, timeout or stderr
   * known).
   *
   * @param exitCode the exit code, or null when unknown
   * @return {@link ExitClass#CLEAN_EXIT}, {@link ExitClass#NON_ZERO_EXIT} or {@link
   *     ExitClass#PROTOCOL_EXIT}
   */
  public static ExitClass classifyExitCode(@Nullable Integer exitCode) {
    return classify(exitCode, null, false, false, null, "");
  }

  private static boolean hasPanicSignature(String tail) {
    String lower = tail.toLowerCase(Locale.ROOT);
    for (String s : PANIC_SIGNATURES) {
      if (lower.contains(s)) {
        return true;
      }
    }
    return false;
  }
}
