/**
 * Evaluation and the records of results: {@link org.ocs4j.eval.ClassifierEvaluator} (top-1/top-5 and throughput,
 * {@link org.ocs4j.eval.ClassificationResult}), {@link org.ocs4j.eval.PerplexityEvaluator} (language models,
 * {@link org.ocs4j.eval.PerplexityResult}), {@link org.ocs4j.eval.WidenReportJson} and
 * {@link org.ocs4j.eval.Provenance}, which says where each result came from.
 */
package org.ocs4j.eval;
