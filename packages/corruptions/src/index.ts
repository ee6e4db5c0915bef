/** `@cnn/corruptions`: common corruptions and AugMix's image operations (work in progress). */
export {};
