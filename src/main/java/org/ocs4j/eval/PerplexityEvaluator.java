package org.ocs4j.eval;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.GatherNd;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.data.BpttIterator;
import org.ocs4j.exec.Executor;
import org.ocs4j.exec.FastRecurrentInference;
import org.ocs4j.progress.Progress;

/**
 * Perplexity {@code exp(mean −ln p)} of a DL4J recurrent language model (a MultiLayerNetwork whose output is a
 * softmax over the vocabulary in NCW layout) over every token of a split. The split is read as one stream in
 * windows with the recurrent state carried across them ({@code rnnTimeStep}); the first token is predicted from a
 * start token (normally {@code <eos>}, which ends the previous line), so the count is exactly the split's length.
 */
public final class PerplexityEvaluator {

    private PerplexityEvaluator() {
    }

    /**
     * @param model      the language model (its recurrent state is cleared before and after; weights untouched)
     * @param tokens     the split's token ids
     * @param startToken the id that precedes the first token ({@code <eos>})
     * @param window     steps per forward call (any value gives the same result; larger is faster)
     */
    public static PerplexityResult evaluate(Model model, int[] tokens, int startToken, int window, Progress progress) {
        return evaluate(model, tokens, startToken, window, Executor.DL4J, progress);
    }

    /**
     * @param executor {@link Executor#DL4J}: DL4J's {@code rnnTimeStep}; {@link Executor#FAST}:
     *                 {@link FastRecurrentInference} (LSTMs as fused libnd4j ops, same result)
     * @see #evaluate(Model, int[], int, int, Progress)
     */
    public static PerplexityResult evaluate(Model model, int[] tokens, int startToken, int window, Executor executor,
                                            Progress progress) {
        if (!(model instanceof MultiLayerNetwork lm)) {
            throw new IllegalArgumentException("perplexity needs a MultiLayerNetwork language model, got "
                    + (model == null ? "null" : model.getClass().getSimpleName()));
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("the token stream is empty");
        }
        long vocabulary = lm.layerSize(lm.getnLayers() - 1);
        int[] stream = new int[tokens.length + 1];
        stream[0] = startToken;
        System.arraycopy(tokens, 0, stream, 1, tokens.length);
        for (int t : stream) {
            if (t < 0 || t >= vocabulary) {
                throw new IllegalArgumentException("token id " + t + " is outside the model's vocabulary 0.."
                        + (vocabulary - 1));
            }
        }
        BpttIterator windows = new BpttIterator(stream, 1, window);
        FastRecurrentInference fast = executor == Executor.FAST ? new FastRecurrentInference(lm) : null;
        long start = System.nanoTime();
        double nll = 0;
        long count = 0;
        java.util.List<Double> windowNll = new java.util.ArrayList<>();
        java.util.List<Integer> windowTokens = new java.util.ArrayList<>();
        progress.start("perplexity", windows.predictedTokens());
        lm.rnnClearPreviousState();
        try {
            while (windows.hasNext()) {
                DataSet w = windows.next();
                INDArray p = fast != null ? fast.timeStep(w.getFeatures()) : lm.rnnTimeStep(w.getFeatures()); // [1, V, T]
                long t = p.size(2);
                INDArray probs = p.reshape(p.size(1), t); // [V, T]
                // (label_i, i) pairs: the probability each step gave to its actual next token
                INDArray at = Nd4j.vstack(w.getLabels().reshape(1, t).castTo(DataType.INT64),
                        Nd4j.linspace(DataType.INT64, 0, t, 1).reshape(1, t)).transpose().dup('c');
                INDArray target = Nd4j.exec(new GatherNd(probs.dup('c'), at))[0];
                double minP = target.minNumber().doubleValue();
                if (!(minP > 0)) {
                    throw new IllegalStateException("the model gave probability " + minP + " to an actual token"
                            + " (NaN weights or a non-softmax output?)");
                }
                double windowSum = -org.nd4j.linalg.ops.transforms.Transforms.log(target.castTo(DataType.DOUBLE),
                        false).sumNumber().doubleValue();
                nll += windowSum;
                count += t;
                windowNll.add(windowSum);
                windowTokens.add((int) t);
                for (long i = 0; i < t; i++) {
                    progress.step();
                }
            }
        } finally {
            lm.rnnClearPreviousState();
            progress.finish();
        }
        return new PerplexityResult(count, nll, (System.nanoTime() - start) / 1e9, new WindowLosses(
                windowNll.stream().mapToDouble(Double::doubleValue).toArray(),
                windowTokens.stream().mapToInt(Integer::intValue).toArray()));
    }
}
