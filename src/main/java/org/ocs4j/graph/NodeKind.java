package org.ocs4j.graph;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;

/**
 * The kinds of graph node ocs4j knows, named after the DL4J classes they stand for. Classification is by exact
 * class: a subclass ocs4j has not been checked against is {@link #OTHER}, never silently treated as its parent.
 */
public enum NodeKind {
    /** A network input. */
    INPUT,
    /** {@code ConvolutionLayer} / {@code Convolution2D}: weight {@code [nOut, nIn, kH, kW]}. */
    CONV,
    /** {@code DepthwiseConvolution2D}: weight {@code [kH, kW, nIn, depthMultiplier]}. */
    DEPTHWISE_CONV,
    /** {@code DenseLayer}: weight {@code [nIn, nOut]}. */
    DENSE,
    /** {@code OutputLayer}: weight {@code [nIn, nOut]}, produces a network output. */
    OUTPUT,
    /** {@code BatchNormalization}. */
    BATCH_NORM,
    /** {@code ActivationLayer}. */
    ACTIVATION,
    /** {@code SubsamplingLayer} (max/avg/pnorm pooling). */
    POOLING,
    /** {@code GlobalPoolingLayer}. */
    GLOBAL_POOLING,
    /** {@code DropoutLayer} (identity at inference). */
    DROPOUT,
    /** {@code ZeroPaddingLayer}. */
    ZERO_PADDING,
    /** {@code Cropping2D}. */
    CROPPING,
    /** {@code ElementWiseVertex} (residual add, product…). */
    ELEMENTWISE,
    /** {@code MergeVertex} (concatenation along channels). */
    MERGE,
    /** {@code SubsetVertex}. */
    SUBSET,
    /** {@code EmbeddingLayer} / {@code EmbeddingSequenceLayer}. */
    EMBEDDING,
    /** {@code LSTM}. */
    LSTM,
    /** {@code RnnOutputLayer}. */
    RNN_OUTPUT,
    /** Anything else: ocs4j passes it through only where it does not touch a split path. */
    OTHER;

    /** @return the kind of a DL4J layer configuration */
    public static NodeKind of(Layer layer) {
        Class<?> c = layer.getClass();
        if (c == ConvolutionLayer.class || c == Convolution2D.class) return CONV;
        if (c == DepthwiseConvolution2D.class) return DEPTHWISE_CONV;
        if (c == DenseLayer.class) return DENSE;
        if (c == OutputLayer.class) return OUTPUT;
        if (c == BatchNormalization.class) return BATCH_NORM;
        if (c == ActivationLayer.class) return ACTIVATION;
        if (c == SubsamplingLayer.class) return POOLING;
        if (c == GlobalPoolingLayer.class) return GLOBAL_POOLING;
        if (c == DropoutLayer.class) return DROPOUT;
        if (c == ZeroPaddingLayer.class) return ZERO_PADDING;
        if (c == Cropping2D.class) return CROPPING;
        if (c == EmbeddingLayer.class || c == EmbeddingSequenceLayer.class) return EMBEDDING;
        if (c == LSTM.class) return LSTM;
        if (c == RnnOutputLayer.class) return RNN_OUTPUT;
        return OTHER;
    }

    /** @return the kind of a non-layer DL4J graph vertex */
    public static NodeKind of(GraphVertex vertex) {
        Class<?> c = vertex.getClass();
        if (c == ElementWiseVertex.class) return ELEMENTWISE;
        if (c == MergeVertex.class) return MERGE;
        if (c == SubsetVertex.class) return SUBSET;
        return OTHER;
    }

    /** @return true for layers whose weight has an input-channel axis that OCS can split */
    public boolean hasSplittableWeights() {
        return this == CONV || this == DENSE || this == OUTPUT || this == LSTM || this == RNN_OUTPUT;
    }
}
