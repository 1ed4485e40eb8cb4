/**
 * The crew-recovery API: ids, statuses, immutable records, the service-provider interfaces ({@link
 * dev.crewrecovery.api.spi.RunStore}, {@link dev.crewrecovery.api.spi.ProcessProbe}, {@link
 * dev.crewrecovery.api.spi.Clock}, {@link dev.crewrecovery.api.spi.DeliverySink}) and the exception
 * hierarchy rooted at {@link dev.crewrecovery.api.CrewRecoveryException}.
 *
 * <p>Depends on jspecify only, so that an integrator can implement a store without pulling the
 * engine in.
 */
module dev.crewrecovery.api {
  requires static transitive org.jspecify;

  exports dev.crewrecovery.api;
  exports dev.crewrecovery.api.spi;
}
