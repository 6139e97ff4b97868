package org.ocs4j.sweep;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.eval.ClassificationResult;
import org.ocs4j.eval.ClassifierEvaluator;
import org.ocs4j.exec.Executor;
import org.ocs4j.progress.Progress;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Top-1 accuracy in percent (top-5 and images/s kept as further metrics) of an image classifier over labelled
 * batches, through {@link ClassifierEvaluator}.
 *
 * @param data               a fresh iterator over the evaluation data for every cell
 * @param skipLeadingOutputs leading model outputs that are not classes (1 for a background class)
 * @param expectedExamples   how many examples the data holds (checked: a short read fails the cell)
 * @param description        what the data is, for reports
 * @param executor           what computes the outputs (named in {@link #describe()})
 */
public record ClassificationScorer(Supplier<DataSetIterator> data, int skipLeadingOutputs, long expectedExamples,
                                   String description, Executor executor) implements Scorer {

    @Override
    public String metric() {
        return "top-1 accuracy (%)";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public String describe() {
        return description + ", " + expectedExamples + " examples"
                + (skipLeadingOutputs > 0 ? ", first " + skipLeadingOutputs + " output(s) skipped" : "")
                + (executor == Executor.DL4J ? "" : "; outputs by " + executor.description());
    }

    @Override
    public Score score(Model model, Progress progress) {
        ClassificationResult r = ClassifierEvaluator.evaluate(model, data.get(), skipLeadingOutputs, expectedExamples,
                executor, progress);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("top1", 100 * r.top1());
        metrics.put("top5", 100 * r.top5());
        metrics.put("top1Correct", (double) r.top1Correct());
        metrics.put("top5Correct", (double) r.top5Correct());
        metrics.put("imagesPerSecond", r.imagesPerSecond());
        return new Score(100 * r.top1(), metrics, r.examples(), r.top1Hits());
    }
}
