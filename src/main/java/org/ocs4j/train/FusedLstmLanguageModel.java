package org.ocs4j.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterSub;
import org.nd4j.linalg.api.ops.impl.shape.GatherNd;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.ocs4j.exec.FusedLstm;
import org.ocs4j.exec.ReusedRows;
import org.ocs4j.progress.Progress;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference LSTM language model ({@link ReferenceModels#lstmLanguageModel(int, int, int, long)}: embedding → LSTM →
 * LSTM → softmax) for training, its LSTMs forward through libnd4j's fused {@code lstmLayer} op and backward through
 * {@link FusedLstm#backward} (ND4J ops): DL4J's own {@code LSTM} layer runs every time step as separate small ops and
 * is about ten times too slow to train a PTB model on a small CPU, and a SameDiff graph spends seconds per step in its session bookkeeping
 * (M2.1) and differentiates {@code lstmLayer} with its initial output and cell state swapped. The backward pass of the
 * embedding, the dropout masks and the softmax output layer is written out with ND4J ops too (gradient-checked in
 * {@code FusedLstmLanguageModelTest}). Training is truncated BPTT with the recurrent state carried across windows,
 * dropout on the inputs of both LSTMs and of the output layer, global-norm gradient clipping and ND4J's Adam, with
 * the learning rate set per window. {@link #toDl4j(long)} copies the weights into the DL4J network ocs4j
 * quantizes, reordering the gate blocks (libnd4j: input, forget, cell, output; DL4J: cell, forget, output, input).
 *
 * <p>With tied embeddings (Press &amp; Wolf 2017; Inan et al. 2017) the output layer's weight is the embedding's
 * transpose: one {@code [V, E]} matrix, trained with the sum of both roles' gradients, which needs {@code E} equal to
 * the LSTM units. The DL4J copy holds it twice (the embedding's {@code W} and the output layer's {@code W}, equal):
 * an ordinary network, whose two roles OCS and quantization then treat as the separate layers they are.
 */
public final class FusedLstmLanguageModel {

    private static final int LSTMS = 2;

    private final int vocabulary;
    private final int embedding;
    private final int units;
    private final boolean tied;
    /** emb, W1, RW1, b1, W2, RW2, b2, Wout (not when tied), bout (libnd4j gate order). */
    private final Map<String, INDArray> parameters = new LinkedHashMap<>();
    private final Map<String, GradientUpdater> updaters = new HashMap<>();
    /** Shared by every parameter's updater; its learning rate is set per window. */
    private final Adam adam = new Adam();
    private int iteration;
    /**
     * Vocabulary-sized arrays reused by every window: the logits (turned into probabilities, then into dLoss/dLogits,
     * in place), the output weight's gradient and the embedding's. Allocating them per window (149 MB of logits for
     * 32 × 35 steps of a 33,278-word vocabulary) made ND4J wait for the garbage collector to free the previous ones:
     * about 1.5 s per window instead of 35 ms for the logits' GEMM.
     */
    private final ReusedRows logitRows;
    private INDArray outputGradientBuffer;
    private INDArray embeddingGradientBuffer;

    /** A new model with weights uniform in ±0.1 and forget-gate biases 1, seeded; output weights of its own. */
    public FusedLstmLanguageModel(int vocabulary, int embedding, int units, long seed) {
        this(vocabulary, embedding, units, false, seed);
    }

    /**
     * A new model with weights uniform in ±0.1 and forget-gate biases 1, seeded.
     *
     * @param tied the output layer's weight is the embedding's transpose ({@code embedding} must equal {@code units})
     */
    public FusedLstmLanguageModel(int vocabulary, int embedding, int units, boolean tied, long seed) {
        if (vocabulary < 2 || embedding < 1 || units < 1) {
            throw new IllegalArgumentException("vocabulary " + vocabulary + ", embedding " + embedding + " and units "
                    + units + " must be at least 2, 1 and 1");
        }
        if (tied && embedding != units) {
            throw new IllegalArgumentException("tied input and output embeddings need the embedding width (" + embedding
                    + ") to equal the LSTM units (" + units + ")");
        }
        this.vocabulary = vocabulary;
        this.embedding = embedding;
        this.units = units;
        this.tied = tied;
        this.logitRows = new ReusedRows(vocabulary, DataType.FLOAT);
        Nd4j.getRandom().setSeed(seed);
        parameters.put("emb", uniform(vocabulary, embedding));
        int in = embedding;
        for (int l = 1; l <= LSTMS; l++) {
            parameters.put("W" + l, uniform(in, 4 * units));
            parameters.put("RW" + l, uniform(units, 4 * units));
            INDArray bias = Nd4j.zeros(DataType.FLOAT, 4L * units);
            bias.get(NDArrayIndex.interval(units, 2L * units)).assign(1.0); // forget gate
            parameters.put("b" + l, bias);
            in = units;
        }
        if (!tied) {
            parameters.put("Wout", uniform(units, vocabulary));
        }
        parameters.put("bout", Nd4j.zeros(DataType.FLOAT, vocabulary));
    }

    /** @return the output layer's {@code [units, V]} weight: its own, or (tied) a view of the embedding transposed */
    private INDArray outputWeights() {
        return tied ? parameters.get("emb").transpose() : parameters.get("Wout");
    }

    /** @return whether the output weight is the embedding's transpose */
    public boolean tied() {
        return tied;
    }

    private static INDArray uniform(long rows, long columns) {
        return Nd4j.rand(DataType.FLOAT, rows, columns).subi(0.5).muli(0.2);
    }

    /** The arrays of one forward pass that the backward pass reads. */
    private record Forward(INDArray tokens, long t, INDArray[] inputs, INDArray[] outputs, INDArray[] masks,
                           INDArray top, INDArray probabilities,
                           INDArray targetIndices, double nll, Map<String, INDArray> finalState) {
    }

    /** Forward over one window: N·T token ids and their targets (row-major), initial state h0_l/c0_l. */
    private Forward forward(int[] ids, int[] targets, int t, Map<String, INDArray> state, double keep) {
        long n = ids.length / t;
        INDArray tokens = Nd4j.createFromArray(ids);
        INDArray labels = Nd4j.createFromArray(targets);
        INDArray[] masks = new INDArray[LSTMS + 1];
        INDArray[] inputs = new INDArray[LSTMS + 1]; // masked inputs of LSTM 1, LSTM 2 and the output layer
        INDArray[] outputs = new INDArray[LSTMS];     // output sequences of the LSTMs
        Map<String, INDArray> finalState = new LinkedHashMap<>();
        INDArray x = Nd4j.pullRows(parameters.get("emb"), 1, ids).reshape(n, t, embedding);
        for (int l = 1; l <= LSTMS + 1; l++) {
            masks[l - 1] = mask(x.shape(), keep);
            inputs[l - 1] = masks[l - 1] == null ? x : x.mul(masks[l - 1]);
            if (l > LSTMS) {
                break;
            }
            INDArray[] out = FusedLstm.forward(inputs[l - 1], true, parameters.get("W" + l),
                    parameters.get("RW" + l), parameters.get("b" + l), state.get("h0_" + l), state.get("c0_" + l));
            x = out[0];
            outputs[l - 1] = x;
            finalState.put("h0_" + l, out[1]);
            finalState.put("c0_" + l, out[2]);
        }
        INDArray top = inputs[LSTMS].reshape(n * t, units);
        INDArray logits = logitRows.rows(n * t);
        if (tied) {
            Nd4j.gemm(top, parameters.get("emb"), logits, false, true, 1.0, 0.0);
        } else {
            Nd4j.gemm(top, parameters.get("Wout"), logits, false, false, 1.0, 0.0);
        }
        logits.addiRowVector(parameters.get("bout"));
        INDArray p = Nd4j.exec((org.nd4j.linalg.api.ops.CustomOp) new SoftMax(logits, logits, 1))[0];
        // (row, label) pairs: the probability each step gave to its actual next token; p is turned into
        // dLoss/dLogits in place by backward()
        INDArray rowIds = Nd4j.linspace(DataType.INT64, 0, n * t, 1).reshape(1, n * t);
        INDArray at = Nd4j.vstack(rowIds, labels.castTo(DataType.INT64).reshape(1, n * t)).transpose().dup('c');
        INDArray target = Nd4j.exec(new GatherNd(p, at))[0];
        double nll = -Transforms.log(target.castTo(DataType.DOUBLE), false).sumNumber().doubleValue();
        INDArray flatTargets = at.get(NDArrayIndex.all(), NDArrayIndex.point(1))
                .add(rowIds.reshape(n * t).mul(vocabulary)); // row·V + label
        return new Forward(tokens, t, inputs, outputs, masks, top, p, flatTargets, nll, finalState);
    }

    private static INDArray mask(long[] shape, double keep) {
        return keep >= 1 ? null : Nd4j.rand(DataType.FLOAT, shape).lt(keep).castTo(DataType.FLOAT).divi(keep);
    }

    /** Gradients of the mean cross-entropy of a forward pass (truncated at the window's initial state). */
    private Map<String, INDArray> backward(Forward f, Map<String, INDArray> state) {
        long t = f.t();
        long n = f.tokens().length() / t;
        Map<String, INDArray> g = new HashMap<>();
        // p − onehot(target), in place, on the whole buffer flattened (certainly a view; row·V + label lies in this
        // window's rows)
        INDArray flat = logitRows.flat();
        ScatterSub subtractOne = new ScatterSub(flat, f.targetIndices(), Nd4j.ones(flat.dataType(), n * t));
        subtractOne.addOutputArgument(flat);
        Nd4j.exec(subtractOne);
        INDArray dLogits = f.probabilities().divi(n * t);
        if (outputGradientBuffer == null) {
            outputGradientBuffer = Nd4j.create(DataType.FLOAT, units, vocabulary);
            embeddingGradientBuffer = Nd4j.create(DataType.FLOAT, vocabulary, embedding);
        }
        INDArray dOutputWeights = Nd4j.gemm(f.top(), dLogits, outputGradientBuffer, true, false, 1.0, 0.0);
        if (!tied) {
            g.put("Wout", dOutputWeights);
        }
        // the column sums as a GEMM: sum(0) reduces the [N·T, V] array about four times slower
        g.put("bout", Nd4j.ones(DataType.FLOAT, 1, n * t).mmul(dLogits).reshape(vocabulary));
        INDArray dx = dLogits.mmul(outputWeights().transpose()).reshape(n, t, units);
        for (int l = LSTMS; l >= 0; l--) {
            if (f.masks()[l] != null) {
                dx.muli(f.masks()[l]);
            }
            if (l == 0) {
                break;
            }
            INDArray[] d = FusedLstm.backward(f.inputs()[l - 1], parameters.get("W" + l), parameters.get("RW" + l),
                    parameters.get("b" + l), state.get("h0_" + l), state.get("c0_" + l), f.outputs()[l - 1], dx);
            g.put("W" + l, d[1]);
            g.put("RW" + l, d[2]);
            g.put("b" + l, d[3]);
            dx = d[0];
        }
        INDArray dEmb = embeddingGradientBuffer;
        if (tied) {
            dEmb.assign(dOutputWeights.transpose()); // the output role's gradient of the same matrix
        } else {
            dEmb.assign(0);
        }
        ScatterAdd addRows = new ScatterAdd(dEmb, f.tokens(), dx.reshape(n * t, embedding));
        addRows.addOutputArgument(dEmb);
        Nd4j.exec(addRows);
        g.put("emb", dEmb);
        return g;
    }

    /**
     * One pass over a token stream: {@code batch} contiguous rows read in windows of {@code bptt} steps, state
     * carried.
     *
     * @return the mean training cross-entropy (nats per token) of the pass, dropout on
     */
    public double trainEpoch(int[] stream, LstmTrainingSettings settings, Progress progress) {
        int[][] rows = TokenRows.rows(stream, settings.batch());
        int length = rows[0].length - 1;
        Map<String, INDArray> state = zeroState(settings.batch());
        double nll = 0;
        long count = 0;
        int windows = (length + settings.bptt() - 1) / settings.bptt();
        progress.start("train", windows);
        for (int t = 0; t < length; t += settings.bptt()) {
            double done = windows == 1 ? 0 : (double) (t / settings.bptt()) / (windows - 1);
            adam.setLearningRate(settings.learningRate()
                    + done * (settings.finalLearningRate() - settings.learningRate()));
            int steps = Math.min(settings.bptt(), length - t);
            int[][] window = TokenRows.window(rows, t, steps);
            Forward f = forward(window[0], window[1], steps, state, settings.keepProbability());
            update(backward(f, state), settings.clipNorm());
            nll += f.nll();
            count += window[1].length;
            state = f.finalState();
            progress.step();
        }
        progress.finish();
        return nll / count;
    }

    /** Clips the gradients' global norm and lets Adam apply them. */
    private void update(Map<String, INDArray> gradients, double clipNorm) {
        double squared = 0;
        for (INDArray g : gradients.values()) {
            double n = g.norm2Number().doubleValue();
            squared += n * n;
        }
        double norm = Math.sqrt(squared);
        if (!Double.isFinite(norm)) {
            throw new IllegalStateException("gradient norm " + norm + " at iteration " + iteration);
        }
        double scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1.0;
        for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
            INDArray value = e.getValue();
            // scaled and turned into the update in place: the gradients are this window's own arrays
            INDArray g = gradients.get(e.getKey()).reshape(value.length()).muli(scale);
            GradientUpdater step = updaters.computeIfAbsent(e.getKey(),
                    k -> adam.instantiate(Nd4j.zeros(DataType.FLOAT, adam.stateSize(value.length())), true));
            step.applyUpdater(g, iteration, 0);
            value.reshape(value.length()).subi(g);
        }
        iteration++;
    }

    /**
     * This model's own forward pass over a token stream (one row, state carried, no dropout), as a perplexity: what
     * the tests compare with DL4J's network to check the fused forward. Evaluation and training report perplexity
     * through {@link org.ocs4j.eval.PerplexityEvaluator} on the DL4J copy.
     *
     * @return {@code [perplexity, number of predicted tokens]}
     */
    double[] perplexity(int[] tokens, int startToken, int window) {
        int[] stream = new int[tokens.length + 1];
        stream[0] = startToken;
        System.arraycopy(tokens, 0, stream, 1, tokens.length);
        int[][] rows = {stream};
        Map<String, INDArray> state = zeroState(1);
        double nll = 0;
        int length = stream.length - 1;
        for (int t = 0; t < length; t += window) {
            int steps = Math.min(window, length - t);
            int[][] w = TokenRows.window(rows, t, steps);
            Forward f = forward(w[0], w[1], steps, state, 1.0);
            nll += f.nll();
            state = f.finalState();
        }
        return new double[]{Math.exp(nll / length), length};
    }

    /**
     * @return a new DL4J network of the same architecture ({@link ReferenceModels#lstmLanguageModel(int, int, int,
     * long)}; {@code seed} only fills its configuration) holding this model's weights
     */
    public MultiLayerNetwork toDl4j(long seed) {
        MultiLayerNetwork net = ReferenceModels.lstmLanguageModel(vocabulary, embedding, units, seed);
        net.getLayer(0).getParam("W").assign(parameters.get("emb"));
        for (int l = 1; l <= LSTMS; l++) {
            var layer = net.getLayer(l);
            layer.getParam("W").assign(FusedLstm.dl4jGateOrder(parameters.get("W" + l)));
            layer.getParam("RW").assign(FusedLstm.dl4jGateOrder(parameters.get("RW" + l)));
            layer.getParam("b").assign(FusedLstm.dl4jGateOrder(parameters.get("b" + l))
                    .reshape(layer.getParam("b").shape()));
        }
        var output = net.getLayer(LSTMS + 1);
        output.getParam("W").assign(outputWeights());
        output.getParam("b").assign(parameters.get("bout").reshape(output.getParam("b").shape()));
        return net;
    }

    /** Sets this model's weights from a DL4J network of the reference architecture (the inverse of {@link #toDl4j}). */
    public void setFrom(MultiLayerNetwork net) {
        parameters.get("emb").assign(net.getLayer(0).getParam("W"));
        for (int l = 1; l <= LSTMS; l++) {
            var layer = net.getLayer(l);
            parameters.get("W" + l).assign(FusedLstm.fusedGateOrder(layer.getParam("W")));
            parameters.get("RW" + l).assign(FusedLstm.fusedGateOrder(layer.getParam("RW")));
            parameters.get("b" + l).assign(FusedLstm.fusedGateOrder(layer.getParam("b").reshape(4L * units)));
        }
        INDArray outW = net.getLayer(LSTMS + 1).getParam("W");
        if (tied && !outW.equals(parameters.get("emb").transpose())) {
            throw new IllegalArgumentException("this model ties its output weight to the embedding, but the network's"
                    + " output layer W is not the embedding's transpose");
        }
        if (!tied) {
            parameters.get("Wout").assign(outW);
        }
        parameters.get("bout").assign(net.getLayer(LSTMS + 1).getParam("b").reshape(vocabulary));
    }

    /** Mean cross-entropy of one window from a zero state, no dropout (for gradient checks). */
    double meanLoss(int[] ids, int[] targets, int t) {
        return forward(ids, targets, t, zeroState(ids.length / t), 1.0).nll() / ids.length;
    }

    /** Gradients of {@link #meanLoss}, by name, as copies (the model reuses its gradient buffers; for gradient checks). */
    Map<String, INDArray> gradients(int[] ids, int[] targets, int t) {
        Map<String, INDArray> state = zeroState(ids.length / t);
        Map<String, INDArray> copies = new HashMap<>();
        backward(forward(ids, targets, t, state, 1.0), state).forEach((k, v) -> copies.put(k, v.dup()));
        return copies;
    }

    /** The live parameter arrays, by name, in the op's gate order (for tests). */
    Map<String, INDArray> parameters() {
        return parameters;
    }

    private Map<String, INDArray> zeroState(int batch) {
        Map<String, INDArray> state = new LinkedHashMap<>();
        for (int l = 1; l <= LSTMS; l++) {
            state.put("h0_" + l, Nd4j.zeros(DataType.FLOAT, batch, units));
            state.put("c0_" + l, Nd4j.zeros(DataType.FLOAT, batch, units));
        }
        return state;
    }
}
