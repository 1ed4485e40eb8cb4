/**
 * The run ledger (DESIGN sections 3, 7 and 8): every host and worker write of runs, with fencing,
 * the transition tables, retry and back-off, task-level repair of owned runs, and the watch of
 * worker exits. Not exported; the public face is {@link dev.crewrecovery.core.RunLedger}.
 */
@NullMarked
package dev.crewrecovery.core.internal.ledger;

import org.jspecify.annotations.NullMarked;
