fn main() {
    std::process::exit(evident::cli::main());
}
