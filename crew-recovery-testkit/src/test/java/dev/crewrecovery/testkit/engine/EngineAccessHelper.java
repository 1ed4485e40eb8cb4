package dev.crewrecovery.testkit.engine;

import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.internal.engine.EngineAccess;

/** Builds facades whose loops the test drives by hand. */
final class EngineAccessHelper {
  private EngineAccessHelper() {}

  static CrewRecovery.Builder manual(CrewRecovery.Builder b) {
    return EngineAccess.manualLoops(b);
  }
}
