package dev.crewrecovery.core;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.core.internal.recovery.DirectoryReportSink;
import java.nio.file.Path;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where a session keeps the DIAGNOSE reports it builds ({@link DiagnosisReport}). Set with {@link
 * CrewRecovery.Builder#reportSink}; by default a session over a {@link FileRunStore} writes them to
 * {@link FileRunStore#reportsDirectory()} ({@link #directory}), and a session over any other store
 * keeps them only in the results it returns ({@link #none()}).
 *
 * <p>Called on the recovery thread (or the caller of {@link Recovery#apply}), never inside a run's
 * exclusive update; implementations must be thread-safe if shared between sessions.
 */
@FunctionalInterface
public interface ReportSink {

  /**
   * Stores one report.
   *
   * @param runId the run
   * @param at the wall time of the report
   * @param json the report, a JSON document
   * @return where it was stored (a path or URI, as text), or null when it was stored nowhere
   * @throws dev.crewrecovery.api.CrewRecoveryException when it cannot be stored (the action that
   *     asked for it reports the failure)
   */
  @Nullable String write(RunId runId, Instant at, String json);

  /**
   * Returns a sink that stores nothing: reports live only in the results that carry them.
   *
   * @return the sink
   */
  static ReportSink none() {
    return (runId, at, json) -> null;
  }

  /**
   * Returns a sink that writes each report durably to {@code <dir>/<runId>-<epochMillis>.json}
   * (temp file in the same directory, forced, atomically moved, directory synced; {@code -1},
   * {@code -2}, ... before {@code .json} when the name is taken, never replacing a report). The
   * directory is created (0700) when absent; files are 0600 where POSIX permissions exist.
   *
   * @param dir the directory
   * @return the sink; its {@code write} returns the file's path and throws {@link
   *     dev.crewrecovery.api.StoreIoException} when the file cannot be written
   */
  static ReportSink directory(Path dir) {
    return new DirectoryReportSink(dir);
  }
}
