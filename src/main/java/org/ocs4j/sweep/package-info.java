/**
 * Paper-style sweeps: a model evaluated over weight bits × activation bits × method (no clip, MAX c, MSE, ACIQ, KL,
 * percentile, per-channel, OCS at several expand ratios, OCS + the best clip), one cell at a time, each finished
 * cell stored at once so an interrupted sweep resumes where it stopped. {@link org.ocs4j.sweep.SweepRunner} runs
 * it; {@link org.ocs4j.sweep.SweepReport} writes the Markdown/CSV/JSON tables and the PNG plots.
 */
package org.ocs4j.sweep;
