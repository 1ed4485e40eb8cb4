package dev.crewrecovery.core.internal.engine;

import dev.crewrecovery.core.CrewRecovery;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The door from outside the facade to its engine, for the testkit: reach the engine of a {@link
 * CrewRecovery} (to drive ticks by hand) and build one whose loops are not scheduled. The facade
 * installs the hooks when its class initialises; the first installation wins.
 */
public final class EngineAccess {

  /** What the facade lends. */
  public interface Hooks {
    /**
     * Returns the engine of a facade.
     *
     * @param crew the facade
     * @return its engine
     */
    Engine engine(CrewRecovery crew);

    /**
     * Makes a builder build a facade whose loops are driven by hand.
     *
     * @param builder the builder
     */
    void manualLoops(CrewRecovery.Builder builder);
  }

  private static volatile @Nullable Hooks hooks;

  private EngineAccess() {}

  /**
   * Installs the hooks; ignored when already installed.
   *
   * @param h the hooks
   */
  public static synchronized void install(Hooks h) {
    if (hooks == null) {
      hooks = Objects.requireNonNull(h, "hooks");
    }
  }

  private static Hooks hooks() {
    Hooks h = hooks;
    if (h == null) {
      throw new IllegalStateException("CrewRecovery has not been initialised");
    }
    return h;
  }

  /**
   * Returns the engine of a facade.
   *
   * @param crew the facade
   * @return its engine
   */
  public static Engine engine(CrewRecovery crew) {
    Objects.requireNonNull(crew, "crew");
    return hooks().engine(crew);
  }

  /**
   * Makes a builder build a facade whose loops are driven by hand: {@code start()} acquires the
   * lease and schedules nothing; worker exits are handled on the thread that completes them.
   *
   * @param builder the builder (from {@link CrewRecovery#builder()})
   * @return the same builder
   */
  public static CrewRecovery.Builder manualLoops(CrewRecovery.Builder builder) {
    Objects.requireNonNull(builder, "builder");
    hooks().manualLoops(builder);
    return builder;
  }
}
