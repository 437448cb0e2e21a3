pub fn routes() -> Vec<rocket::Route> {
    Vec::new()
}
