package dev.crewrecovery.core.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exempts the annotated element from the forbidden-apis check of the build.
 *
 * <p>The engine reads time only through the injected {@code dev.crewrecovery.api.spi.Clock}, so
 * that every age, timeout and discontinuity can be driven by a fake clock in tests; the build bans
 * direct reads of the system clock (the wall and nano-time reads of {@code Instant}, {@code System}
 * and {@code java.time.Clock}, listed in {@code src/build/forbidden-time.txt}) in core's main code.
 * The single place allowed to read system time is {@code SystemClock}, the default {@code Clock}
 * implementation, and it is the one intended user of this annotation. forbidden-apis recognises any
 * annotation with this simple name; it must be retained in class files for the check to see it.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface SuppressForbidden {}
