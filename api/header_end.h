#ifdef __cplusplus
}
#endif

#endif /* CAJAL_H */
