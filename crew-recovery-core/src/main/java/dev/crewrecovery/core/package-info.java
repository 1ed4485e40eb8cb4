/**
 * The public face of the engine: the {@code CrewRecovery} facade and its builder, configuration,
 * and the embedded defaults a host uses when it brings none of its own ({@code FileRunStore},
 * {@code SystemProcessProbe}, {@code SystemClock}). Everything the engine needs from the world
 * comes in through the SPIs of {@code dev.crewrecovery.api.spi}.
 */
@NullMarked
package dev.crewrecovery.core;

import org.jspecify.annotations.NullMarked;
