package org.ocs4j.zoo;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.model.LeNet;
import org.deeplearning4j.zoo.model.ResNet50;
import org.deeplearning4j.zoo.model.VGG16;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.graph.InputShape;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * DL4J zoo models with seeded random weights, so ocs4j can be tried without downloads. Batch-norm running
 * statistics are calibrated on a seeded random batch ({@link BatchNormCalibration}), because a deep random network
 * with default statistics overflows to NaN.
 */
public final class ZooModels {

    /** The names {@link #create} accepts. */
    public static final List<String> NAMES = List.of("resnet50", "vgg16", "lenet");

    private ZooModels() {
    }

    /** @return the input shape (C,H,W) of a zoo model */
    public static InputShape inputShape(String name) {
        return switch (key(name)) {
            case "resnet50", "vgg16" -> InputShape.of(3, 224, 224);
            case "lenet" -> InputShape.of(1, 28, 28);
            default -> throw unknown(name);
        };
    }

    /**
     * Builds a zoo model with seeded random weights and calibrated batch-norm statistics.
     *
     * @param name one of {@link #NAMES}
     * @param seed weight and calibration seed
     */
    public static Model create(String name, long seed) {
        Model model = zooModel(name, seed).init();
        Nd4j.getRandom().setSeed(seed);
        INDArray batch = Nd4j.randn(model.params().dataType(), inputShape(name).withBatch(4));
        BatchNormCalibration.calibrateInPlace(model, batch);
        return model;
    }

    /**
     * Downloads DL4J's pretrained weights (ImageNet for resnet50 and vgg16, MNIST for lenet) into DL4J's cache
     * ({@code ~/.deeplearning4j}) and returns the trained model. Needs the network the first time.
     *
     * @throws IllegalStateException naming the model when the weights cannot be fetched (offline, proxy…)
     */
    public static Model pretrained(String name) {
        ZooModel zoo = zooModel(name, 12345);
        PretrainedType type = key(name).equals("lenet") ? PretrainedType.MNIST : PretrainedType.IMAGENET;
        try {
            return zoo.initPretrained(type);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not get DL4J's pretrained " + name + " weights (" + type
                    + "): " + e.getMessage() + " — they are downloaded on first use, so this needs network access;"
                    + " use seeded random weights (without --pretrained) offline", e);
        }
    }

    private static ZooModel zooModel(String name, long seed) {
        return switch (key(name)) {
            case "resnet50" -> ResNet50.builder().numClasses(1000).seed(seed).build();
            case "vgg16" -> VGG16.builder().numClasses(1000).seed(seed).build();
            case "lenet" -> LeNet.builder().numClasses(10).seed(seed).build();
            default -> throw unknown(name);
        };
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown zoo model \"" + name + "\"; choose one of " + NAMES);
    }
}
