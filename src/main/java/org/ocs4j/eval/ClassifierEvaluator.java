package org.ocs4j.eval;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ocs4j.progress.Progress;

/**
 * Top-1/top-5 evaluation of an image classifier (MultiLayerNetwork or ComputationGraph with one output) with DL4J's
 * {@link Evaluation}, timing the forward pass separately from data loading.
 *
 * <p>Models with extra leading outputs (TF-slim ImageNet models put "background" at index 0 of 1001 classes) are
 * evaluated with {@code skipLeadingOutputs = 1}: the first outputs are dropped before ranking, so output {@code i+1}
 * is compared with label {@code i}.
 */
public final class ClassifierEvaluator {

    private ClassifierEvaluator() {
    }

    /** @return top-1 accuracy in [0, 1] of {@code model} on a labelled set held in memory (DL4J's output()) */
    public static double accuracy(Model model, org.nd4j.linalg.dataset.DataSet test) {
        return evaluate(model, test, 1000, org.ocs4j.exec.Executor.DL4J).top1();
    }

    /**
     * Evaluates a labelled set held in memory, in batches of {@code batch} examples, every output a class.
     *
     * @param executor what computes the outputs
     */
    public static ClassificationResult evaluate(Model model, org.nd4j.linalg.dataset.DataSet test, int batch,
                                                org.ocs4j.exec.Executor executor) {
        DataSetIterator batches = new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(
                test.batchBy(batch), 1);
        return evaluate(model, batches, 0, test.numExamples(), executor, Progress.NONE);
    }

    /**
     * @param model              the classifier (inference mode; not modified)
     * @param data               labelled batches (one-hot labels); reset before use
     * @param skipLeadingOutputs how many leading output columns are not classes of the labels (0 or 1 usually)
     * @param expectedExamples   the number of examples, for progress (0 when unknown)
     */
    public static ClassificationResult evaluate(Model model, DataSetIterator data, int skipLeadingOutputs,
                                                long expectedExamples, Progress progress) {
        return evaluate(model, data, skipLeadingOutputs, expectedExamples, org.ocs4j.exec.Executor.DL4J, progress);
    }

    /** As {@link #evaluate(Model, DataSetIterator, int, long, Progress)}, the outputs computed by {@code executor}. */
    public static ClassificationResult evaluate(Model model, DataSetIterator data, int skipLeadingOutputs,
                                                long expectedExamples, org.ocs4j.exec.Executor executor,
                                                Progress progress) {
        if (skipLeadingOutputs < 0) {
            throw new IllegalArgumentException("skipLeadingOutputs " + skipLeadingOutputs + " must be ≥ 0");
        }
        if (data.resetSupported()) {
            data.reset();
        }
        Evaluation top1 = null;
        long forwardNanos = 0;
        java.util.BitSet hits = new java.util.BitSet();
        long start = System.nanoTime();
        progress.start("evaluating", expectedExamples);
        long examples = 0;
        while (data.hasNext()) {
            DataSet batch = data.next();
            INDArray labels = batch.getLabels();
            long t0 = System.nanoTime();
            INDArray out = executor.output(model, batch.getFeatures());
            forwardNanos += System.nanoTime() - t0;
            if (out.rank() != 2) {
                throw new IllegalArgumentException("the model's output has shape " + java.util.Arrays.toString(out.shape())
                        + "; a classifier must output [batch, classes]");
            }
            long classes = out.size(1) - skipLeadingOutputs;
            if (classes != labels.size(1)) {
                throw new IllegalArgumentException("the model has " + out.size(1) + " outputs"
                        + (skipLeadingOutputs > 0 ? " (" + skipLeadingOutputs + " skipped)" : "") + " but the data has "
                        + labels.size(1) + " classes" + (out.size(1) == labels.size(1) + 1
                        ? "; a 1001-output ImageNet model (background first) needs skipLeadingOutputs = 1" : ""));
            }
            if (skipLeadingOutputs > 0) {
                out = out.get(NDArrayIndex.all(), NDArrayIndex.interval(skipLeadingOutputs, out.size(1)));
            }
            if (top1 == null) {
                top1 = new Evaluation(java.util.stream.IntStream.range(0, (int) classes).mapToObj(String::valueOf)
                        .toList(), 5);
            }
            top1.eval(labels, out);
            int[] hit = out.argMax(1).eq(labels.argMax(1)).castTo(org.nd4j.linalg.api.buffer.DataType.INT32)
                    .toIntVector();
            for (int i = 0; i < hit.length; i++) {
                hits.set((int) examples + i, hit[i] == 1);
            }
            examples += out.size(0);
            for (long i = 0; i < out.size(0); i++) {
                progress.step();
            }
        }
        progress.finish();
        if (top1 == null) {
            throw new IllegalArgumentException("the data iterator is empty: nothing to evaluate");
        }
        double total = (System.nanoTime() - start) / 1e9;
        long correct1 = top1.truePositives().values().stream().mapToLong(Integer::longValue).sum();
        return new ClassificationResult(examples, correct1, top1.getTopNCorrectCount(), forwardNanos / 1e9, total,
                hits);
    }

    /** @return the model's single output for a batch, in inference mode, by DL4J's own {@code output()} */
    public static INDArray output(Model model, INDArray features) {
        return org.ocs4j.exec.Executor.DL4J.output(model, features);
    }
}
