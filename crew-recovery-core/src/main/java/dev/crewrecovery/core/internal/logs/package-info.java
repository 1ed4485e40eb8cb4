/**
 * Runner and worker logs as evidence (DESIGN section 5, "Logs"; issue 9): the bounded, redacted
 * tail of a dead process's log for its failure, and the growth of a live or unknown process's log
 * as activity for the decision function. A log path is the one path read outside the store root:
 * absolute, read-only, never created, a regular file (no symbolic link), at most its last 4 KiB
 * read, and only for processes of this host. Not exported.
 */
@NullMarked
package dev.crewrecovery.core.internal.logs;

import org.jspecify.annotations.NullMarked;
