// What the reader's screen tells the patient while the camera looks for a face. The face driver
// decides it, the panel driver shows it; neither knows the other.
export type FaceGuidance = 'look-at-camera' | 'come-closer' | 'move-back' | 'one-person-only' | 'hold-still' | 'more-light';
