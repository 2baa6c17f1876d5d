#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace inv {

// A scripted GUI session, for tests and for preparing talks: one step per line, run in order, each
// once the engine has finished the previous one's work. `#` starts a comment.
//   workspace DIR                                                 (open another workspace)
//   layer NAME | inputs N | samples N | seed N | resample        (the Invariances panel)
//   train-layer | checkpoint STEP                                 (train t here; classifier checkpoint)
//   train-factors                                                 (train e, where the workspace has none)
//   open-image FILE | pin-sample ROW COLUMN                      (your image; a grid sample as an input row)
//   new-workspace DIR MODEL.pt IMAGES tiny|full                  (File > New workspace; "-" for no model or images)
//   device cpu|cuda|auto                                          (where the networks run)
//   image N | donor N | slider FACTOR VALUE                       (the semantic sliders)
//   attack fgsm|pgd EPS_IN_255THS | attack-image N                (the attack panel)
//   open mixing|analysis|compare|video|log                        (windows)
//   compare OTHER_WORKSPACE LAYER                                 (two models, the same v)
//   video LAYER FILE|demo                                         (a video moves test image 0; demo: the built-in clip)
//   inputs-from own|colormnist|colorfashion                       (the grid's inputs from another domain)
//   export invariances|attack                                     (PNG + JSON into <workspace>/exports)
//   presentation on|off                                           (View > Presentation mode)
//   key NAME                                                      (a key as pressed: PageDown, PageUp, Up, Down,
//                                                                  Left, Right, Space, Escape, F11, A-Z, 0-9)
//   screenshot FILE.png                                           (the whole window)
struct ScriptStep {
    int line = 0;
    std::string verb;
    std::vector<std::string> arguments;
};

// Throws UserError naming the file and line of an unknown verb or a wrong number of arguments.
std::vector<ScriptStep> read_gui_script(const std::filesystem::path& path);

}  // namespace inv
