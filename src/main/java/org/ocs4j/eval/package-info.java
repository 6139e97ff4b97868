/**
 * Results and their records: {@link org.ocs4j.eval.ClassifierEvaluator} measures top-1/top-5 and throughput
 * ({@link org.ocs4j.eval.ClassificationResult}), {@link org.ocs4j.eval.WidenReportJson} writes reports,
 * {@link org.ocs4j.eval.Provenance} says where each came from.
 */
package org.ocs4j.eval;
