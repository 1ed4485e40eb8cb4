package dev.crewrecovery.api;

import org.jspecify.annotations.Nullable;

/**
 * A host write carried an owner (session, incarnation) or epoch that is not the run's current one:
 * another session adopted or repaired the run since (fencing, DESIGN section 8). Nothing was
 * written; the writer should drop the run.
 */
public final class StaleOwnerException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final RunId runId;
  private final Owner writer;
  private final long writerEpoch;
  private final @Nullable Owner currentOwner;
  private final long currentEpoch;

  /**
   * Creates the exception.
   *
   * @param runId the run
   * @param writer the owner the write claimed
   * @param writerEpoch the epoch the write claimed
   * @param currentOwner the run's owner now, or null when ownerless
   * @param currentEpoch the run's epoch now
   */
  public StaleOwnerException(
      RunId runId,
      Owner writer,
      long writerEpoch,
      @Nullable Owner currentOwner,
      long currentEpoch) {
    super(
        "run "
            + runId
            + " is owned by "
            + (currentOwner == null ? "nobody" : currentOwner)
            + " at epoch "
            + currentEpoch
            + "; write by "
            + writer
            + " at epoch "
            + writerEpoch
            + " refused");
    this.runId = runId;
    this.writer = writer;
    this.writerEpoch = writerEpoch;
    this.currentOwner = currentOwner;
    this.currentEpoch = currentEpoch;
  }

  /** Returns the run. */
  public RunId runId() {
    return runId;
  }

  /** Returns the owner the refused write claimed. */
  public Owner writer() {
    return writer;
  }

  /** Returns the epoch the refused write claimed. */
  public long writerEpoch() {
    return writerEpoch;
  }

  /** Returns the run's owner at the time of the refusal, or null when it had none. */
  public @Nullable Owner currentOwner() {
    return currentOwner;
  }

  /** Returns the run's epoch at the time of the refusal. */
  public long currentEpoch() {
    return currentEpoch;
  }
}
