package org.ocs4j.exec;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Locale;

/** Which code computes a model's output for evaluation; recorded in every result's provenance. */
public enum Executor {

    /** DL4J's own {@code output()}. */
    DL4J("DL4J output()"),

    /**
     * {@link FastInference}: convolutions and batch norms as libnd4j ops, everything else DL4J's code; for language
     * models {@link FastRecurrentInference}: LSTMs as the fused {@code lstmLayer} op. (The description names the
     * classifier path: it is part of the identity of committed sweeps.)
     */
    FAST("ocs4j FastInference (libnd4j conv2d + batchnorm ops, DL4J layers otherwise)");

    private final String description;

    Executor(String description) {
        this.description = description;
    }

    /** @return the model's single output for a batch, in inference mode */
    public INDArray output(Model model, INDArray features) {
        if (this == FAST) {
            return FastInference.output(model, features);
        }
        if (model instanceof ComputationGraph cg) {
            if (cg.getNumOutputArrays() != 1) {
                throw new IllegalArgumentException("the graph has " + cg.getNumOutputArrays()
                        + " outputs; an evaluation needs exactly one");
            }
            return cg.outputSingle(false, features);
        }
        if (model instanceof MultiLayerNetwork mln) {
            return mln.output(features, false);
        }
        throw new IllegalArgumentException("unsupported model type " + model.getClass().getName());
    }

    /** @return {@code DL4J} or {@code FAST} from {@code dl4j} / {@code fast} (any case) */
    public static Executor parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown executor \"" + name + "\"; choose fast or dl4j");
        }
    }

    /** @return what runs the model, for provenance */
    public String description() {
        return description;
    }
}
