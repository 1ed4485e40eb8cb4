package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.SessionId;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the decision function concluded about one process (a worker or the runner), and on what
 * basis (DESIGN section 5, "Across hosts"). Immutable.
 *
 * @param ref the process
 * @param vouchedBy the session recorded as vouching for it, or null
 * @param probed the probe result whose key matched the snapshot, or null when unprobed
 * @param liveness the judged liveness, or null when there is no evidence at all (unprobed on this
 *     host)
 * @param basis what the judgment rests on
 * @param restsOnLeaseAge whether the judgment is a remote death that rests on a lease's age (an
 *     expired, not a released, lease): such a judgment is deferred inside a grace window
 */
public record ProcessJudgment(
    ProcessRef ref,
    @Nullable SessionId vouchedBy,
    @Nullable Liveness probed,
    @Nullable Liveness liveness,
    Basis basis,
    boolean restsOnLeaseAge) {

  /** What a judgment rests on. */
  public enum Basis {
    /** A probe result with a matching key. */
    PROBE,
    /** A ref on this host without a matching probe result: no evidence either way. */
    UNPROBED,
    /** A ref on another host: UNKNOWN, and its vouching session's lease is live. */
    REMOTE_LEASE_LIVE,
    /** A ref on another host: UNKNOWN, and no session vouches for it. */
    REMOTE_NO_VOUCHING_SESSION,
    /** A ref on another host: UNKNOWN, and the vouching session's lease is not known. */
    REMOTE_NO_LEASE,
    /**
     * A ref on another host whose vouching session's lease expired or was released: remotely dead,
     * recorded as DEAD.
     */
    REMOTE_LEASE_EXPIRED
  }

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if the liveness is missing exactly when it should not be, or a
   *     lease-age judgment is not a remote death
   */
  public ProcessJudgment {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(basis, "basis");
    if ((liveness == null) != (basis == Basis.UNPROBED)) {
      throw new IllegalArgumentException(
          "a judgment has no liveness exactly when unprobed, was " + liveness + " on " + basis);
    }
    if (restsOnLeaseAge && basis != Basis.REMOTE_LEASE_EXPIRED) {
      throw new IllegalArgumentException("only a remote death rests on a lease age, was " + basis);
    }
    if (basis == Basis.REMOTE_LEASE_EXPIRED && liveness != Liveness.DEAD) {
      throw new IllegalArgumentException("a remote death is recorded as DEAD, was " + liveness);
    }
  }

  /** Returns whether the process is judged dead: DEAD, RECYCLED or remotely dead. */
  public boolean isDead() {
    return liveness != null && liveness.isDead();
  }

  /** Returns whether the process is judged ALIVE or UNKNOWN (never evidence of death). */
  public boolean isAliveOrUnknown() {
    return liveness == Liveness.ALIVE || liveness == Liveness.UNKNOWN;
  }

  /** Returns whether this is a remote death (an expired or released lease). */
  public boolean isRemoteDeath() {
    return basis == Basis.REMOTE_LEASE_EXPIRED;
  }

  /** Returns a short description for reasons, for example {@code 42@host-a DEAD (PROBE)}. */
  public String describe() {
    return ref.pid()
        + "@"
        + ref.host()
        + " "
        + (liveness == null ? "unprobed" : liveness.toString())
        + " ("
        + basis
        + (restsOnLeaseAge ? ", lease age" : "")
        + ")";
  }
}
